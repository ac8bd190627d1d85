/// `min-heap`: an indexed d-ary min-heap of the servers that can be picked, keyed by
/// (score, virtual time, last-change stamp), with a position map.
///
/// Mirrors Finagle's `HeapLeastLoaded` (an indexed min-heap of outstanding counts behind one
/// lock) and APISIX's `least_conn` (a binary heap of scores). Unlike Finagle, which swaps a
/// node back at load 0 with a random one, ties follow the canonical weighted rule of
/// `ReferenceLeastConnections`: each server's virtual time (advanced by `1 / weight` per pick)
/// and stamp are the heap key's second and third parts, so this policy is exact and makes the
/// reference's choices, one for one; tied servers share picks in proportion to weight.
///
/// A pick takes the root and sifts it down after its count grows; a release sifts the server
/// up after its count shrinks; `setWeight` repositions it, takes it out of the heap on weight
/// 0 and puts it back when it returns. Drained servers are not in the heap, so they cost
/// nothing on picks. See `IndexedHeap` for the layout.
///
/// - Complexity: pick O(log n); release O(log n); `setWeight` O(log n) plus O(W) for W
///   distinct weights (and one dictionary lookup). Memory: 40 bytes per server (a 32-byte node
///   with the key, a 4-byte position, a 4-byte weight class), plus about 40 bytes per distinct
///   weight.
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct MinHeapPolicy: SelectionPolicy {
    public static let isExact = true

    var heap: IndexedHeap
    /// The next last-change stamp.
    var clock: UInt64
    /// The weight classes' clocks (see `ReferenceLeastConnections`).
    var classes: WeightClassClocks

    /// A heap of `weights.count` servers with no active connections; `seed` is unused (the
    /// policy is deterministic).
    ///
    /// - Throws: `SelectorConfigurationError` for weights `WeightValidation` rejects.
    /// - Complexity: O(n).
    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        classes = WeightClassClocks(weights: weights)
        heap = IndexedHeap(weights: weights, hasOneWeight: classes.hasOneClass)
        clock = UInt64(weights.count)
    }

    public var serverCount: Int { heap.positions.count }

    /// - Complexity: O(log n): one sift-down of 4-ary nodes.
    public mutating func pick() -> ServerID? {
        guard let root = heap.root else { return nil }
        let units = classes.tick(Int(root.server))
        let server = heap.incrementRoot(units: units, stamp: clock)
        clock &+= 1
        return server.map { ServerID(Int($0)) }
    }

    /// - Complexity: O(log n): one sift-up, usually a single comparison.
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        let weightClass = Int(classes.classOf[server.index])
        heap.decrement(server.index, units: weightClass < 0 ? nil : classes.classes[weightClass].clock.round, stamp: clock)
        clock &+= 1
    }

    /// - Complexity: O(log n), plus O(W) for W distinct weights (`WeightClassClocks.reassign`).
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let index = server.index
        let joined = classes.reassign(index, to: UInt32(weight))
        heap.setWeight(
            UInt32(weight), of: index, units: joined ?? heap.node(of: index).units, stamp: clock,
            hasOneWeight: classes.hasOneClass)
        clock &+= 1
    }

    /// - Complexity: O(1).
    public func activeConnections(of server: ServerID) -> Int { Int(heap.node(of: server.index).active) }

    /// - Complexity: O(1).
    public func weight(of server: ServerID) -> Int { Int(heap.node(of: server.index).weight) }
}

extension MinHeapPolicy {
    /// Counts one more active connection on `server`, chosen by the caller, in its class's
    /// clock and its stamp as a pick of it would.
    ///
    /// - Complexity: O(log n): one sift-down.
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        let units: UInt64? = classes.classOf[server.index] < 0 ? nil : classes.tick(server.index)
        heap.increment(server.index, units: units, stamp: clock)
        clock &+= 1
    }
}
