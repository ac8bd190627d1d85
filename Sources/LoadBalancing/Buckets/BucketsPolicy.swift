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
/// Every move appends at a tail exactly when the server's stamp becomes the newest, so every
/// bucket stays in stamp order and its head is the canonical tie winner: with weights, the
/// pick compares the minimum-bucket head of each class by score (cross-multiplication), then
/// by stamp. This reproduces `ReferenceLeastConnections` choice for choice. Unlike HAProxy,
/// ties are not randomized: they rotate.
///
/// - Complexity: with W distinct positive weights, pick O(W) — O(1) with equal weights — and
///   release O(1). `setWeight` costs O(1) plus, when the server leaves its class's minimum
///   bucket empty, a scan up to the next non-empty bucket (O(highest count in that class)),
///   plus amortized growth of the new class's buckets up to the server's count; it also does
///   one dictionary lookup of the weight.
///   Memory: 24 bytes per server (links, count, class, stamp), plus per weight class a
///   32-byte record and 8 bytes per bucket, one bucket per count from 0 to one past the
///   highest count a member of the class has reached, plus a dictionary entry. With equal
///   weights and up to `c` connections per server that is 24 + (40 + 8·(c + 2)) / n bytes
///   per server: 24 bytes and a few hundred bytes in all.
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct BucketsPolicy: SelectionPolicy {
    /// One server: its links in its bucket's list, its count, its class and its stamp.
    /// 24 bytes, so a move touches one cache line per server.
    struct Server {
        /// The previous server in its bucket, -1 at the head (and when drained).
        var previous: Int32
        /// The next server in its bucket, -1 at the tail (and when drained).
        var next: Int32
        /// Active connections, and so the bucket it is in.
        var active: UInt32
        /// Its index in `classes`, -1 when drained.
        var weightClass: Int32
        /// Its last-change stamp.
        var stamp: UInt64
    }

    public static let isExact = true

    var servers: [Server]
    /// Weight classes by index; indices in `freeClasses` are unused.
    var classes: [WeightClass]
    /// The indices of the classes that have members, in no particular order.
    var liveClasses: [Int32]
    /// Unused indices of `classes`, reused before `classes` grows.
    var freeClasses: [Int32]
    /// The live class of each weight in use.
    var classOfWeight: [UInt32: Int32]
    /// The next last-change stamp.
    var clock: UInt64

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        servers = (0..<weights.count).map { index in
            Server(previous: -1, next: -1, active: 0, weightClass: -1, stamp: UInt64(index))
        }
        classes = []
        liveClasses = []
        freeClasses = []
        classOfWeight = [:]
        clock = UInt64(weights.count)
        // In index order, so each bucket 0 is in stamp order.
        for (server, weight) in weights.enumerated() where weight > 0 {
            attach(server, to: weightClass(for: UInt32(weight)))
        }
        _checkInvariants()
    }

    public var serverCount: Int { servers.count }

    /// - Complexity: O(W) for W distinct positive weights; O(1) with equal weights.
    public mutating func pick() -> ServerID? {
        guard let (weightClass, server) = leastLoadedHead() else { return nil }
        let from = Int(classes[weightClass].minimum)
        if servers[server].active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(server)) }
        if from &+ 1 == classes[weightClass].buckets.count { classes[weightClass].buckets.append(.empty) }
        let bucketEmptied = move(server, in: weightClass, from: from, to: from &+ 1)
        // The server just landed in the next bucket up, so that is the new minimum.
        if bucketEmptied { classes[weightClass].minimum &+= 1 }
        _checkInvariants()
        return ServerID(server)
    }

    /// - Complexity: O(1).
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        let index = server.index
        let from = Int(servers[index].active)
        if from == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        let weightClass = Int(servers[index].weightClass)
        if weightClass < 0 {
            // Drained: in no list; only the count and the stamp change.
            servers[index].active &-= 1
            servers[index].stamp = clock
            clock &+= 1
        } else {
            move(index, in: weightClass, from: from, to: from &- 1)
            if from &- 1 < classes[weightClass].minimum { classes[weightClass].minimum = UInt32(from &- 1) }
        }
        _checkInvariants()
    }

    /// - Complexity: O(1) plus a scan past empty buckets when the server leaves its class's
    ///   minimum bucket empty, bucket growth in the new class, and a dictionary lookup.
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let index = server.index
        if servers[index].weightClass >= 0 { detach(index) }
        servers[index].stamp = clock
        clock &+= 1
        if weight > 0 { attach(index, to: weightClass(for: UInt32(weight))) }
        _checkInvariants()
    }

    public func activeConnections(of server: ServerID) -> Int { Int(servers[server.index].active) }

    public func weight(of server: ServerID) -> Int {
        let weightClass = Int(servers[server.index].weightClass)
        return weightClass < 0 ? 0 : Int(classes[weightClass].weight)
    }

    /// The class and server the next pick goes to: among the heads of each live class's
    /// minimum bucket, the lowest score, then the oldest stamp. `nil` when every server is
    /// drained.
    ///
    /// - Complexity: O(W).
    @inline(__always)
    private func leastLoadedHead() -> (weightClass: Int, server: Int)? {
        var best: (weightClass: Int, server: Int)?
        var bestActive: UInt64 = 0
        var bestWeight: UInt64 = 0
        var bestStamp: UInt64 = 0
        for live in liveClasses {
            let weightClass = Int(live)
            let minimum = classes[weightClass].minimum
            let head = Int(classes[weightClass].buckets[Int(minimum)].head)
            let active = UInt64(minimum)
            let weight = UInt64(classes[weightClass].weight)
            let stamp = servers[head].stamp
            if best != nil {
                let left = active &* bestWeight
                let right = bestActive &* weight
                if left > right || (left == right && stamp > bestStamp) { continue }
            }
            best = (weightClass, head)
            bestActive = active
            bestWeight = weight
            bestStamp = stamp
        }
        return best
    }
}
