/// `min-heap`: an indexed d-ary min-heap of the servers that can be picked, keyed by
/// (score, last-change stamp), with a position map.
///
/// Mirrors Finagle's `HeapLeastLoaded` (an indexed min-heap of outstanding counts behind one
/// lock) and APISIX's `least_conn` (a binary heap of scores). Unlike Finagle, which swaps a
/// node back at load 0 with a random one, ties follow the canonical least-recently-changed
/// rule of `ReferenceLeastConnections`: the stamp is the heap key's second part, so this policy
/// is exact and makes the reference's choices, one for one; equal servers take turns.
///
/// A pick takes the root and sifts it down after its count grows; a release sifts the server
/// up after its count shrinks; `setWeight` repositions it, takes it out of the heap on weight
/// 0 and puts it back when it returns. Drained servers are not in the heap, so they cost
/// nothing on picks. See `IndexedHeap` for the layout.
///
/// - Complexity: pick O(log n); release O(log n); `setWeight` O(log n).
///   Memory: 28 bytes per server (a 24-byte node with the key, a 4-byte position).
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct MinHeapPolicy: SelectionPolicy {
    public static let isExact = true

    var heap: IndexedHeap
    /// The next last-change stamp.
    var clock: UInt64

    /// A heap of `weights.count` servers with no active connections; `seed` is unused (the
    /// policy is deterministic).
    ///
    /// - Throws: `SelectorConfigurationError` for weights `WeightValidation` rejects.
    /// - Complexity: O(n).
    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        heap = IndexedHeap(weights: weights)
        clock = UInt64(weights.count)
    }

    public var serverCount: Int { heap.positions.count }

    /// - Complexity: O(log n): one sift-down of 4-ary nodes.
    public mutating func pick() -> ServerID? {
        guard let server = heap.incrementRoot(stamp: clock) else { return nil }
        clock &+= 1
        return ServerID(Int(server))
    }

    /// - Complexity: O(log n): one sift-up, usually a single comparison.
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        heap.decrement(server.index, stamp: clock)
        clock &+= 1
    }

    /// - Complexity: O(log n).
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        heap.setWeight(UInt32(weight), of: server.index, stamp: clock)
        clock &+= 1
    }

    /// - Complexity: O(1).
    public func activeConnections(of server: ServerID) -> Int { Int(heap.node(of: server.index).active) }

    /// - Complexity: O(1).
    public func weight(of server: ServerID) -> Int { Int(heap.node(of: server.index).weight) }
}

extension MinHeapPolicy: AssignablePolicy {
    /// Counts one more active connection on `server`, chosen by the caller, and touches its
    /// stamp as a pick of it would.
    ///
    /// - Complexity: O(log n): one sift-down.
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        heap.increment(server.index, stamp: clock)
        clock &+= 1
    }
}
