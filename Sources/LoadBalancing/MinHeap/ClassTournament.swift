/// The tournament among the weight classes of `ClassHeaps`: a winner tree (Knuth, TAOCP vol. 3,
/// §5.4.1) whose leaves are the class indices and whose every inner node holds the class whose
/// root node wins between its two children under the whole key (`ClassHeaps.precedes`: score,
/// virtual time, stamp). The root holds the class the next pick goes to.
///
/// When a class's root node changes (a pick, a release that lifts a server to the root, a
/// weight change), the matches on the path from its leaf to the root are replayed. With one
/// class the leaf is the root and nothing is compared.
///
/// - Complexity: `winner` O(1); `update` O(log W) comparisons for W class indices, O(W) when
///   the tree grows to hold a new index. Memory: 8 bytes per class index (rounded up to a power
///   of two).
/// - Note: Not thread-safe: part of one `ClassHeaps`.
struct ClassTournament {
    /// An implicit binary tree in `winners[1...]`: the children of `i` are `2i` and `2i + 1`;
    /// the leaf of class `c` is `capacity + c`. Each entry is a class index, or -1 for none
    /// (a class index without members, or a match between two such). Written on every change of
    /// a class root, so a `PolicyArray` (the policy keeps it unique: `copyArrays`).
    var winners: PolicyArray<Int32>
    /// `winners[1]`, kept apart so that a pick finds its class with one load.
    private(set) var winner: Int
    /// The number of leaves, a power of two: `winners.count / 2`.
    private(set) var capacity: Int

    /// A tree with room for `classCount` classes, none present.
    init(classCount: Int) {
        var capacity = 1
        while capacity < classCount { capacity &*= 2 }
        winners = PolicyArray(repeating: -1, count: 2 * capacity)
        winner = -1
        self.capacity = capacity
    }


    /// Records whether class `weightClass` has members and replays its path with the class
    /// roots `roots`.
    ///
    /// - Complexity: O(log capacity); O(capacity) when `weightClass` needs a larger tree.
    @inline(__always)
    mutating func update(_ weightClass: Int, roots: ClassRoots) {
        if weightClass >= capacity { grow(toHold: weightClass, roots: roots) }
        let capacity = self.capacity
        let leaf: Int32 = roots.isPresent(weightClass) ? Int32(truncatingIfNeeded: weightClass) : -1
        // One class: the leaf is the root, and nothing to compare.
        if capacity == 1 {
            if winner != Int(leaf) { winners[1] = leaf; winner = Int(leaf) }
            return
        }
        winner = winners.withUnsafeMutableBufferPointer { winners in
            var slot = capacity &+ weightClass
            winners[slot] = leaf
            while slot > 1 {
                slot &>>= 1
                winners[slot] = Self.match(winners[slot &* 2], winners[slot &* 2 &+ 1], roots)
            }
            return Int(winners[1])
        }
    }

    /// Gives `winners` storage of its own (see `PolicyArray`).
    ///
    /// - Complexity: O(capacity).
    mutating func copyArrays() {
        winners = winners.copy()
    }

    /// The winner between the roots of classes `a` and `b` (either may be -1 for none).
    @inline(__always)
    static func match(_ a: Int32, _ b: Int32, _ roots: ClassRoots) -> Int32 {
        if b < 0 { return a }
        if a < 0 { return b }
        return ClassHeaps.precedes(roots[Int(b)], roots.weight(Int(b)), roots[Int(a)], roots.weight(Int(a))) ? b : a
    }

    /// Doubles the leaves until `weightClass` has one, keeping the present classes, and
    /// replays every match.
    ///
    /// - Complexity: O(new capacity).
    private mutating func grow(toHold weightClass: Int, roots: ClassRoots) {
        let oldCapacity = capacity
        var newCapacity = oldCapacity
        while newCapacity <= weightClass { newCapacity &*= 2 }
        var grown = Array(repeating: Int32(-1), count: 2 * newCapacity)
        for leaf in 0..<oldCapacity { grown[newCapacity + leaf] = winners[oldCapacity + leaf] }
        for slot in stride(from: newCapacity - 1, through: 1, by: -1) {
            grown[slot] = Self.match(grown[2 * slot], grown[2 * slot + 1], roots)
        }
        winners = PolicyArray(grown)
        winner = Int(grown[1])
        capacity = newCapacity
    }
}
