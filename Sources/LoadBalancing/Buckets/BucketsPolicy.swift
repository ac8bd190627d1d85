/// `buckets`: servers grouped by active count in intrusive lists, one set of lists per
/// distinct weight, with each group's minimum cached (HAProxy's `fwlc`-like).
///
/// Mirrors HAProxy's leastconn (`src/lb_fwlc.c`), which keeps one tree node per distinct key
/// with lists of servers hanging off it, so a count change is a list move rather than a
/// re-sort. Here the key space is small and dense (an active count), so the tree becomes an
/// array of buckets indexed by count.
///
/// Servers with the same weight form a `WeightClass`. A pick takes the head of the minimum
/// bucket of the best class and appends it to the tail of the next bucket up; a release moves
/// a server to the tail of the bucket below and lowers the class's cached minimum if needed.
/// Every move appends at a tail exactly when the server's stamp becomes the newest and its
/// virtual time becomes its class's round (no earlier than any classmate's: see
/// `ReferenceLeastConnections`), so every bucket stays in (virtual time, stamp) order and its
/// head is the class's canonical tie winner; the pick compares the minimum-bucket head of each
/// class by score (cross-multiplication), then virtual time, then stamp — from the class's
/// record, which keeps a copy of its head's virtual time and stamp (`refreshHead`), so that
/// the pick reads one record per class and only the winner's nodes. So the policy is
/// exact and reproduces `ReferenceLeastConnections` choice for choice. Unlike HAProxy, ties are
/// not randomized: tied servers share picks in proportion to weight, in a fixed order.
///
/// # Layout
/// Servers and the bucket lists' sentinels are nodes of one array, `nodes`: a move rewrites
/// links in that array only, and the lists need no empty-list branches. `nodes` and `classes`,
/// which every pick and release write, are `PolicyArray`s: writes check no uniqueness, and the
/// policy keeps its value semantics with one test per operation (none behind `LockedSelector`,
/// see `ExclusivelyOwnablePolicy`). Keeping the bucket heads in per-class arrays instead cost 3
/// to 4 uniqueness checks per operation: 23 ns per pick-and-release pair against 17 ns (policy
/// alone, 64 servers, release build, before the `PolicyArray`s). Each class's sentinels, written
/// only when the class grows a bucket, are a plain array apart (`sentinels`).
///
/// - Complexity: with W distinct positive weights, pick O(W) — O(1) with equal weights — and
///   release O(1). `setWeight` costs O(W) (the latest virtual time of the live classes, read
///   when the new weight is positive) plus, when the server leaves its class's minimum
///   bucket empty, a scan up to the next non-empty bucket (O(highest count in that class)),
///   plus amortized growth of the new class's buckets up to the server's count; it also does
///   one dictionary lookup of the weight.
///   Memory: 32 bytes per server (links, count, class, virtual time, stamp). Buckets: 36
///   bytes each (a 32-byte sentinel node and its 4-byte index), one per count from 0 to the
///   highest count a member of the class has reached; a retired class's sentinels are kept for
///   reuse. Per class also a 48-byte record (with its head's virtual time and stamp), an
///   8-byte reference to its sentinels, a 4-byte live-list entry and a dictionary entry.
///   The node array starts with room for 16 sentinels, then grows by a sixteenth, not by
///   doubling, so its spare room is at most 512 bytes or 2 bytes per server.
///   With equal weights and at most `c` connections on any server, that is about
///   32 + (36·(c + 1) + 94 + 512) / n bytes per server: 32 bytes and under a kilobyte in all
///   (`PolicyMemoryTests` measures it).
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct BucketsPolicy: SelectionPolicy {
    /// A server (`nodes[0..<serverCount]`) or a bucket's sentinel (`nodes[serverCount...]`).
    /// 32 bytes, so a move touches one cache line per node (two at most when unaligned).
    struct Node: BitwiseCopyable {
        /// The previous node in its circular list; -1 for a drained server.
        var previous: Int32
        /// The next node in its circular list; -1 for a drained server.
        var next: Int32
        /// A server's active connections, and so its bucket; for a sentinel, its bucket's count.
        var active: UInt32
        /// The index in `classes` of a server's class (-1 when drained) or a sentinel's
        /// (-1 while spare).
        var weightClass: Int32
        /// A server's virtual time in units of `1 / weight`; unused for sentinels.
        var units: UInt64
        /// A server's last-change stamp; unused for sentinels.
        var stamp: UInt64
    }

    public static let isExact = true

    /// The servers, then the sentinels.
    var nodes: PolicyArray<Node>
    /// The number of servers: `nodes[0..<serverCount]`.
    public let serverCount: Int
    /// Weight classes by index; indices in `freeClasses` are unused.
    var classes: PolicyArray<WeightClass>
    /// `sentinels[c][k]` is the node that closes bucket `k`'s list in class `c`. Grows to the
    /// highest count a member has reached and does not shrink while the class lives (empty for
    /// a free class index). Only growth writes it, so picks and releases just read it.
    var sentinels: [[Int32]]
    /// Shared with a copy of this policy exactly when `nodes` and `classes` are (see
    /// `PolicyArray`): every mutating operation begins with `makeStorageUnique()`.
    var owner = PolicyStorageOwner()
    /// Set once by `takeExclusiveOwnership()`, inside an owner that never copies the value:
    /// then no operation tests `owner` (see `ExclusivelyOwnablePolicy`).
    var ownedExclusively = false
    /// The indices of the classes that have members, in no particular order.
    var liveClasses: [Int32]
    /// Unused indices of `classes`, reused before `classes` grows.
    var freeClasses: [Int32]
    /// Sentinels of retired classes, reused before `nodes` grows.
    var spareSentinels: [Int32]
    /// The live class of each weight in use.
    var classOfWeight: [UInt32: Int32]
    /// The next last-change stamp.
    var clock: UInt64

    /// `weights.count` servers with no active connections, one weight class per distinct
    /// positive weight; `seed` is unused (the policy is deterministic).
    ///
    /// - Throws: `SelectorConfigurationError` for weights `WeightValidation` rejects.
    /// - Complexity: O(n) expected (one dictionary lookup per server).
    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        serverCount = weights.count
        // Room for the first 16 sentinels; beyond them the array grows by a sixteenth (`addBucket`).
        nodes = PolicyArray([])
        nodes.reserveCapacity(weights.count + 16)
        nodes.append(contentsOf: (0..<weights.count).lazy.map { index in
            Node(previous: -1, next: -1, active: 0, weightClass: -1, units: 0, stamp: UInt64(index))
        })
        classes = PolicyArray([])
        sentinels = []
        liveClasses = []
        freeClasses = []
        spareSentinels = []
        classOfWeight = [:]
        clock = UInt64(weights.count)
        // In index order, so each bucket 0 is in stamp order.
        for (server, weight) in weights.enumerated() where weight > 0 {
            attach(server, to: weightClass(for: UInt32(weight)))
        }
        _checkInvariants()
    }

    /// - Complexity: O(W) for W distinct positive weights; O(1) with equal weights.
    public mutating func pick() -> ServerID? { pick(naming: .identity) }

    /// `pick()`, with misuse messages naming servers by `naming` (a shard's policy names the
    /// caller's server, not its own local one: `ServerNaming`). Returns the local id.
    @inline(__always)
    mutating func pick(naming: ServerNaming) -> ServerID? {
        makeStorageUnique()
        guard let (weightClass, server) = leastLoadedHead() else { return nil }
        let from = Int(classes[weightClass].minimum)
        if from == Int(UInt32.max) { SelectorMisuse.tooManyConnections(naming.callersServer(server)) }
        if from &+ 1 == sentinels[weightClass].count { addBucket(to: weightClass) }
        let source = classes[weightClass].minimumSentinel
        let destination = sentinels[weightClass][from &+ 1]
        let units = classes[weightClass].clock.tick(members: classes[weightClass].members)
        let sourceEmptied = move(server, to: destination, from: source, units: units)
        // The server just landed in the next bucket up, so that is the new minimum.
        if sourceEmptied { setMinimum(UInt32(from &+ 1), sentinel: destination, of: weightClass) }
        refreshHead(of: weightClass)
        _checkInvariants()
        return ServerID(server)
    }

    /// - Complexity: O(1).
    public mutating func release(_ server: ServerID) { release(server, naming: .identity) }

    /// `release(_:)` of local server `server`, with misuse messages naming it by `naming`
    /// (`ServerNaming`). A shard's caller has checked the id it knows.
    @inline(__always)
    mutating func release(_ server: ServerID, naming: ServerNaming) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        makeStorageUnique()
        let index = server.index
        let from = Int(nodes[index].active)
        if from == 0 { SelectorMisuse.releaseWithoutConnection(naming.callersServer(index)) }
        let weightClass = Int(nodes[index].weightClass)
        if weightClass < 0 {
            // Drained: in no list; only the count and the stamp change.
            nodes[index].active &-= 1
            nodes[index].stamp = clock
            clock &+= 1
        } else {
            let source = sentinels[weightClass][from]
            let destination = sentinels[weightClass][from &- 1]
            move(index, to: destination, from: source, units: classes[weightClass].clock.round)
            if UInt32(from &- 1) < classes[weightClass].minimum {
                // Alone in the new minimum bucket: the server is its head.
                setMinimum(UInt32(from &- 1), sentinel: destination, of: weightClass)
                classes[weightClass].headUnits = classes[weightClass].clock.round
                classes[weightClass].headStamp = nodes[index].stamp
            }
        }
        _checkInvariants()
    }

    /// - Complexity: O(W) (the latest virtual time of the live classes) plus a scan past empty
    ///   buckets when the server leaves its class's minimum bucket empty, bucket growth in the
    ///   new class, and a dictionary lookup.
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        makeStorageUnique()
        let index = server.index
        if nodes[index].weightClass >= 0 { detach(index) }
        nodes[index].stamp = clock
        clock &+= 1
        if weight > 0 {
            let start = latestTime().units(atWeight: UInt32(weight))
            let joined = weightClass(for: UInt32(weight))
            nodes[index].units = classes[joined].clock.lift(to: start)
            attach(index, to: joined)
        }
        _checkInvariants()
    }

    /// - Complexity: O(1).
    public func activeConnections(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "activeConnections")
        return Int(nodes[server.index].active)
    }

    /// - Complexity: O(1).
    public func weight(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "weight")
        let weightClass = Int(nodes[server.index].weightClass)
        return weightClass < 0 ? 0 : Int(classes[weightClass].weight)
    }

    /// The class and server the next pick goes to: among the heads of each live class's
    /// minimum bucket, the lowest score, then the earliest virtual time, then the oldest stamp.
    /// `nil` when every server is drained.
    ///
    /// - Complexity: O(W).
    @inline(__always)
    private func leastLoadedHead() -> (weightClass: Int, server: Int)? {
        var best = -1
        var bestActive: UInt32 = 0
        var bestWeight: UInt32 = 0
        var bestUnits: UInt64 = 0
        var bestStamp: UInt64 = 0
        for slot in liveClasses.indices {
            let weightClass = Int(liveClasses[slot])
            let active = classes[weightClass].minimum
            let weight = classes[weightClass].weight
            let units = classes[weightClass].headUnits
            let stamp = classes[weightClass].headStamp
            if best >= 0
                && !VirtualTime.serverPrecedes(active, weight, units, stamp, bestActive, bestWeight, bestUnits, bestStamp) {
                continue
            }
            best = weightClass
            bestActive = active
            bestWeight = weight
            bestUnits = units
            bestStamp = stamp
        }
        if best < 0 { return nil }
        return (best, Int(nodes[Int(classes[best].minimumSentinel)].next))
    }
}

extension BucketsPolicy {
    /// Counts one more active connection on `server`, chosen by the caller: it moves to the
    /// tail of the next bucket up, counted in its class's clock, its stamp advancing as a
    /// pick's would.
    ///
    /// - Complexity: O(1) (amortized: the class may grow one bucket).
    public mutating func assign(_ server: ServerID) { assign(server, naming: .identity) }

    /// `assign(_:)` of local server `server`, with misuse messages naming it by `naming`
    /// (`ServerNaming`). A shard's caller has checked the id it knows.
    @inline(__always)
    mutating func assign(_ server: ServerID, naming: ServerNaming) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        makeStorageUnique()
        let index = server.index
        let from = Int(nodes[index].active)
        if from == Int(UInt32.max) { SelectorMisuse.tooManyConnections(naming.callersServer(index)) }
        let weightClass = Int(nodes[index].weightClass)
        if weightClass < 0 {
            // Drained: in no list; only the count and the stamp change.
            nodes[index].active &+= 1
            nodes[index].stamp = clock
            clock &+= 1
        } else {
            if from &+ 1 == sentinels[weightClass].count { addBucket(to: weightClass) }
            let source = sentinels[weightClass][from]
            let destination = sentinels[weightClass][from &+ 1]
            let units = classes[weightClass].clock.tick(members: classes[weightClass].members)
            let leftMinimum = UInt32(from) == classes[weightClass].minimum
            let sourceEmptied = move(index, to: destination, from: source, units: units)
            // Only leaving the minimum bucket can move the minimum (when it leaves it empty, to
            // where the server landed) or take its head away.
            if leftMinimum {
                if sourceEmptied { setMinimum(UInt32(from &+ 1), sentinel: destination, of: weightClass) }
                refreshHead(of: weightClass)
            }
        }
        _checkInvariants()
    }
}

extension BucketsPolicy {
    /// Makes this policy the only holder of its `PolicyArray`s (`nodes`, `classes`), copying
    /// them if a copy of the policy shares them: one uniqueness test for both.
    ///
    /// - Complexity: O(1), or O(n + W) after the policy was copied.
    @inline(__always)
    mutating func makeStorageUnique() {
        if ownedExclusively { return }
        if _slowPath(!isKnownUniquelyReferenced(&owner)) { copyStorage() }
    }

    /// Gives `nodes` and `classes` storage of their own, then a new owner.
    mutating func copyStorage() {
        nodes = nodes.copy()
        classes = classes.copy()
        owner = PolicyStorageOwner()
    }
}

extension BucketsPolicy: ExclusivelyOwnablePolicy {
    package mutating func takeExclusiveOwnership() {
        makeStorageUnique()
        ownedExclusively = true
    }
}
