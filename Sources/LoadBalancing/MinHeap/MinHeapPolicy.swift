/// `min-heap`: indexed d-ary min-heaps of the servers that can be picked, one per weight
/// class, and a tournament over their roots, ordered by (score, virtual time, last-change
/// stamp), with a position map.
///
/// Mirrors Finagle's `HeapLeastLoaded` (an indexed min-heap of outstanding counts behind one
/// lock) and APISIX's `least_conn` (a binary heap of scores). Unlike Finagle, which swaps a
/// node back at load 0 with a random one, ties follow the canonical weighted rule of
/// `ReferenceLeastConnections`: each server's virtual time (advanced by `1 / weight` per pick)
/// and stamp are the key's second and third parts, so this policy is exact and makes the
/// reference's choices, one for one; tied servers share picks in proportion to weight.
///
/// Within one weight class (count, stamp) orders servers as the whole key does, so each class
/// has its own heap sifted with that cheap comparison, and only the class roots are compared
/// with the whole key, in a tournament (see `ClassHeaps`). A pick takes the winning class's
/// root and sifts it down after its count grows; a release sifts the server up in its class
/// heap after its count shrinks; either replays the class's tournament path when the class's
/// root changed. `setWeight` moves the server from its class heap to its new class's heap,
/// or to the drained servers on weight 0 and back when it returns. Drained servers are in no
/// heap, so they cost nothing on picks.
///
/// - Complexity: with W distinct positive weights, pick O(log n + log W); release O(log n),
///   plus O(log W) when the server becomes its class's root; `setWeight` O(log n + W)
///   amortized (and one dictionary lookup): a region move or compaction of the heaps' nodes
///   is paid for by the operations before it (`ClassHeaps`). Memory: 32 bytes per server (a
///   24-byte node with the key, a 4-byte position, a 4-byte weight class) as built. After
///   weight changes the class heaps take at most 4 × (m + W) slots of 24 bytes for m servers of
///   positive weight, in storage for at most twice that (`ClassHeaps`): at most 192 bytes
///   per server plus 192 per distinct weight, whatever the sequence of weight changes. Per
///   distinct weight also about 40 bytes of clock and 80 of region and tournament.
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct MinHeapPolicy: SelectionPolicy {
    public static let isExact = true

    var heaps: ClassHeaps
    /// The next last-change stamp.
    var clock: UInt64
    /// The weight classes' clocks (see `ReferenceLeastConnections`) and each server's class.
    var classes: WeightClassClocks
    /// Shared with a copy of this policy exactly when the heaps' and the clocks'
    /// `PolicyArray`s are: every mutating operation begins with `makeStorageUnique()`.
    var owner = PolicyStorageOwner()
    /// Set once by `takeExclusiveOwnership()`, inside an owner that never copies the value:
    /// then no operation tests `owner` (see `ExclusivelyOwnablePolicy`).
    var ownedExclusively = false

    /// A heap of `weights.count` servers with no active connections; `seed` is unused (the
    /// policy is deterministic).
    ///
    /// - Throws: `SelectorConfigurationError` for weights `WeightValidation` rejects.
    /// - Complexity: O(n).
    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        classes = WeightClassClocks(weights: weights)
        heaps = ClassHeaps(weights: weights, classOf: classes.classOf, classCount: classes.classes.count)
        clock = UInt64(weights.count)
        _checkInvariants()
    }

    public var serverCount: Int { heaps.positions.count }

    /// - Complexity: O(log n + log W): one sift-down of 4-ary nodes in the winning class's
    ///   heap, and that class's tournament path.
    public mutating func pick() -> ServerID? {
        makeStorageUnique()
        let weightClass = heaps.winningClass
        guard weightClass >= 0 else { return nil }
        let units = classes.tick(inClass: weightClass)
        let server = heaps.incrementRoot(ofClass: weightClass, units: units, stamp: clock)
        clock &+= 1
        _checkInvariants()
        return ServerID(Int(server))
    }

    /// - Complexity: O(log n): one sift-up, usually a single comparison; plus O(log W) when
    ///   the server becomes its class's root.
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        makeStorageUnique()
        let weightClass = Int(classes.classOf[server.index])
        let units = weightClass < 0 ? 0 : classes.classes[weightClass].clock.round
        heaps.decrement(server.index, inClass: weightClass, units: units, stamp: clock)
        clock &+= 1
        _checkInvariants()
    }

    /// - Complexity: O(log n + W): the server leaves its class heap and joins its new one;
    ///   the new class's clock is lifted to the latest of all (`WeightClassClocks.reassign`).
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        makeStorageUnique()
        let index = server.index
        var node = heaps.remove(index, fromClass: Int(classes.classOf[index]))
        if let joined = classes.reassign(index, to: UInt32(weight)) { node.units = joined }
        node.stamp = clock
        clock &+= 1
        heaps.insert(node, intoClass: Int(classes.classOf[index]), weight: UInt32(weight))
        _checkInvariants()
    }

    /// - Complexity: O(1).
    public func activeConnections(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "activeConnections")
        return Int(node(of: server.index).active)
    }

    /// - Complexity: O(1).
    public func weight(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "weight")
        let weightClass = Int(classes.classOf[server.index])
        return weightClass < 0 ? 0 : Int(classes.classWeight[weightClass])
    }

    /// Makes this policy the only holder of its `PolicyArray`s (the heaps' and the class
    /// clocks'), copying them if a copy of the policy shares them: one uniqueness test for all.
    ///
    /// - Complexity: O(1), or O(n + W) after the policy was copied.
    @inline(__always)
    mutating func makeStorageUnique() {
        if ownedExclusively { return }
        if _slowPath(!isKnownUniquelyReferenced(&owner)) { copyStorage() }
    }

    /// Gives the heaps and the class clocks storage of their own, then a new owner.
    mutating func copyStorage() {
        heaps.copyArrays()
        classes.copyArrays()
        owner = PolicyStorageOwner()
    }

    /// The node of `server`.
    func node(of server: Int) -> ClassHeaps.Node { heaps.node(of: server, inClass: Int(classes.classOf[server])) }

    /// The first broken invariant of the heaps and the classes, or `nil` (see
    /// `ClassHeaps._invariantViolation(classes:)`).
    ///
    /// - Complexity: O(n log n).
    func _invariantViolation() -> String? { heaps._invariantViolation(classes: classes) }

    /// Stops the process if the policy is inconsistent. Compiled to nothing unless the
    /// `LOADBALANCING_INTERNAL_CHECKS` condition is set (debug builds of this package), so
    /// every mutating operation can end with it at no cost in release.
    ///
    /// - Complexity: O(n log n) when checks are on: the documented bounds do not hold then.
    @inline(__always)
    func _checkInvariants() {
        #if LOADBALANCING_INTERNAL_CHECKS
        if let violation = _invariantViolation() { preconditionFailure("MinHeapPolicy: \(violation)") }
        #endif
    }
}

extension MinHeapPolicy {
    /// Counts one more active connection on `server`, chosen by the caller, in its class's
    /// clock and its stamp as a pick of it would.
    ///
    /// - Complexity: O(log n + log W): one sift-down, and the class's tournament path when
    ///   the server was its class's root.
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        makeStorageUnique()
        let weightClass = Int(classes.classOf[server.index])
        let units: UInt64? = weightClass < 0 ? nil : classes.tick(inClass: weightClass)
        heaps.increment(server.index, inClass: weightClass, units: units, stamp: clock)
        clock &+= 1
        _checkInvariants()
    }
}

extension MinHeapPolicy: ExclusivelyOwnablePolicy {
    package mutating func takeExclusiveOwnership() {
        makeStorageUnique()
        ownedExclusively = true
    }
}
