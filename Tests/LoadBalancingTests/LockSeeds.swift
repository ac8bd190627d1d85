import LoadBalancing

extension LockKind {
    /// This lock's share of `items` (seeds, or the indices of a test's cases): every
    /// `LockKind.allCases.count`-th one, starting at the lock's position in `allCases`, so that
    /// the locks together take each item exactly once.
    ///
    /// Driven from one thread, a lock only forwards each operation to its policy: the same
    /// sequence run under every lock checks the policy once per lock and the forwarding no
    /// better than once. A single-threaded test with a `LockKind` argument therefore gives each
    /// lock its own share of the sequences, so that every sequence still reaches every exact
    /// policy and each lock still sees its share, at a third of the time.
    ///
    /// - Complexity: O(1) to make; the stride yields `items.count / allCases.count` items, one
    ///   more for the first locks when that does not divide.
    func share<Item: Strideable>(of items: Range<Item>) -> StrideTo<Item> where Item.Stride: BinaryInteger {
        let position = Item.Stride(Self.allCases.firstIndex(of: self)!)
        return stride(from: items.lowerBound.advanced(by: position), to: items.upperBound, by: Item.Stride(Self.allCases.count))
    }

    /// This lock's share of a test's `cases`, in order: those at the indices `share(of:)` gives it.
    ///
    /// - Complexity: O(cases.count / allCases.count).
    func share<Case>(of cases: [Case]) -> [Case] {
        share(of: cases.indices).map { cases[$0] }
    }
}
