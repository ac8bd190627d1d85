/// The tournament among the weight classes of `ClassHeaps`: a winner tree (Knuth, TAOCP vol. 3,
/// §5.4.1) whose leaves are the class roots and whose every inner node holds the entry that wins
/// between its two children under the whole key (`VirtualTime.serverPrecedes`: score, virtual
/// time, stamp). The root holds the class the next pick goes to.
///
/// Each entry carries its class root's key (count, weight, virtual time, stamp), not only its
/// class: replaying a match reads the sibling's entry, whose address is known before the
/// replay starts, instead of looking its class's root up through the class's region, so the
/// loads of a path do not wait on each other.
///
/// When a class's root node changes (a pick, a release that lifts a server to the root, a
/// weight change), the matches on the path from its leaf to the root are replayed. With one
/// class the leaf is the root, nothing is compared, and no key is kept.
///
/// - Complexity: `winner` O(1); `update` O(log W) comparisons for W class indices, O(W) when
///   the tree grows to hold a new index. Memory: 64 bytes per class index (two 32-byte entries,
///   the leaves rounded up to a power of two).
/// - Note: Not thread-safe: part of one `ClassHeaps`.
struct ClassTournament {
    /// One node of the tree: a class and its root's key, or none.
    struct Entry: BitwiseCopyable, Equatable {
        /// The class, or -1 for none (a class index without members, or a match between two such).
        var weightClass: Int32
        /// The class root's active connections.
        var active: UInt32
        /// The class's weight (every member's).
        var weight: UInt32
        /// The class root's virtual time in units of `1 / weight`.
        var units: UInt64
        /// The class root's last-change stamp.
        var stamp: UInt64

        /// No class.
        static let none = Entry(weightClass: -1, active: 0, weight: 0, units: 0, stamp: 0)
    }

    /// An implicit binary tree in `entries[1...]`: the children of `i` are `2i` and `2i + 1`;
    /// the leaf of class `c` is `capacity + c`. Written on every change of a class root, so a
    /// `PolicyArray` (the policy keeps it unique: `copyArrays`). With one leaf (`capacity` 1),
    /// `entries[1]` holds only the class, not its key.
    var entries: PolicyArray<Entry>
    /// The class of `entries[1]`, kept apart so that a pick finds its class with one load.
    private(set) var winner: Int
    /// The number of leaves, a power of two: `entries.count / 2`.
    private(set) var capacity: Int

    /// A tree with room for `classCount` classes, none present.
    init(classCount: Int) {
        var capacity = 1
        while capacity < classCount { capacity &*= 2 }
        entries = PolicyArray(repeating: .none, count: 2 * capacity)
        winner = -1
        self.capacity = capacity
    }

    /// Records class `weightClass`'s root (or that it has no members) from `roots` and replays
    /// its path.
    ///
    /// - Complexity: O(log capacity); O(capacity) when `weightClass` needs a larger tree.
    @inline(__always)
    mutating func update(_ weightClass: Int, roots: ClassRoots) {
        if weightClass >= capacity { grow(toHold: weightClass, roots: roots) }
        let capacity = self.capacity
        // One class: the leaf is the root, and nothing to compare.
        if capacity == 1 {
            let leaf: Int32 = roots.isPresent(weightClass) ? Int32(truncatingIfNeeded: weightClass) : -1
            if winner != Int(leaf) { entries[1].weightClass = leaf; winner = Int(leaf) }
            return
        }
        var entry = roots.entry(weightClass)
        winner = entries.withUnsafeMutableBufferPointer { entries in
            var slot = capacity &+ weightClass
            entries[slot] = entry
            while slot > 1 {
                entry = Self.match(entry, entries[slot ^ 1])
                slot &>>= 1
                entries[slot] = entry
            }
            return Int(entry.weightClass)
        }
    }

    /// Gives `entries` storage of its own (see `PolicyArray`).
    ///
    /// - Complexity: O(capacity).
    mutating func copyArrays() {
        entries = entries.copy()
    }

    /// The winner between entries `a` and `b` (either may be none). Keys of different classes
    /// never tie (stamps are unique), so the order of the two does not matter.
    @inline(__always)
    static func match(_ a: Entry, _ b: Entry) -> Entry {
        if b.weightClass < 0 { return a }
        if a.weightClass < 0 { return b }
        return VirtualTime.serverPrecedes(b.active, b.weight, b.units, b.stamp, a.active, a.weight, a.units, a.stamp)
            ? b : a
    }

    /// Doubles the leaves until `weightClass` has one, reading every present class's root
    /// again, and replays every match.
    ///
    /// - Complexity: O(new capacity).
    private mutating func grow(toHold weightClass: Int, roots: ClassRoots) {
        var newCapacity = capacity
        while newCapacity <= weightClass { newCapacity &*= 2 }
        var grown = Array(repeating: Entry.none, count: 2 * newCapacity)
        for leaf in 0..<roots.classCount { grown[newCapacity + leaf] = roots.entry(leaf) }
        for slot in stride(from: newCapacity - 1, through: 1, by: -1) {
            grown[slot] = Self.match(grown[2 * slot], grown[2 * slot + 1])
        }
        entries = PolicyArray(grown)
        winner = Int(grown[1].weightClass)
        capacity = newCapacity
    }
}
