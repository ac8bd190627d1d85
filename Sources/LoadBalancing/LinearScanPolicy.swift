/// `linear-scan`: an array of per-server counts, scanned for the minimal score on every pick.
///
/// Mirrors NGINX's `least_conn` (a pass over the peers comparing `conns * best.weight <
/// best.conns * weight`) and IPVS's `wlc` (a walk of the service's list). Exact: picks the
/// minimal score, ties broken by the canonical weighted rule of `ReferenceLeastConnections`
/// (earliest virtual time, then oldest stamp), so tied servers share picks in proportion to
/// their weights, as NGINX's smooth weighted rotation among tied peers does.
///
/// Each server is one 24-byte record (count, weight, virtual-time units, last-change stamp) in
/// one contiguous array, so the scan streams through memory; the weight-class clocks live
/// apart (`WeightClassClocks`) and are touched once per operation.
///
/// - Complexity: pick O(n); release O(1); `setWeight` O(1) expected.
///   Memory: 28 bytes per server, plus about 24 bytes per distinct weight.
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct LinearScanPolicy: SelectionPolicy {
    @usableFromInline
    struct Server {
        @usableFromInline var active: UInt32
        @usableFromInline var weight: UInt32
        /// Virtual time in units of `1 / weight`.
        @usableFromInline var units: UInt64
        @usableFromInline var stamp: UInt64
    }

    public static let isExact = true

    @usableFromInline var servers: [Server]
    @usableFromInline var clock: UInt64
    @usableFromInline var classes: WeightClassClocks
    /// The highest virtual time a pick was made at.
    @usableFromInline var globalTime: VirtualTime

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        servers = weights.enumerated().map { index, weight in
            Server(active: 0, weight: UInt32(weight), units: 0, stamp: UInt64(index))
        }
        clock = UInt64(weights.count)
        classes = WeightClassClocks(weights: weights)
        globalTime = .zero
    }

    @inlinable
    public var serverCount: Int { servers.count }

    @inlinable
    public mutating func pick() -> ServerID? {
        let best: Int? = servers.withUnsafeBufferPointer { servers in
            var best = -1
            var bestActive: UInt64 = 0
            var bestWeight: UInt64 = 0
            var bestUnits: UInt64 = 0
            var bestStamp: UInt64 = 0
            for index in servers.indices {
                let server = servers[index]
                if server.weight == 0 { continue }
                let left = UInt64(server.active) &* bestWeight
                let right = bestActive &* UInt64(server.weight)
                // `best < 0` makes the first candidate win outright (bestWeight is still 0).
                if best < 0 || left < right
                    || (left == right && Self.breaksTie(server, bestUnits, UInt32(truncatingIfNeeded: bestWeight), bestStamp)) {
                    best = index
                    bestActive = UInt64(server.active)
                    bestWeight = UInt64(server.weight)
                    bestUnits = server.units
                    bestStamp = server.stamp
                }
            }
            return best < 0 ? nil : best
        }
        guard let best else { return nil }
        if servers[best].active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(best)) }
        globalTime.advance(to: servers[best].units, weight: servers[best].weight)
        servers[best].active &+= 1
        touch(best, units: servers[best].units &+ 1)
        return ServerID(best)
    }

    /// Whether `server`, whose score equals the best so far, wins the tie against it: earlier
    /// virtual time, then older stamp. Between servers of one weight the stamp alone decides
    /// (within a weight class virtual time never decreases in stamp order), which keeps equal
    /// weights as cheap as a stamp comparison.
    @inlinable
    @inline(__always)
    static func breaksTie(_ server: Server, _ bestUnits: UInt64, _ bestWeight: UInt32, _ bestStamp: UInt64) -> Bool {
        if server.weight == bestWeight { return server.stamp < bestStamp }
        if VirtualTime.isEarlier(server.units, server.weight, than: bestUnits, bestWeight) { return true }
        if VirtualTime.isEarlier(bestUnits, bestWeight, than: server.units, server.weight) { return false }
        return server.stamp < bestStamp
    }

    @inlinable
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        if servers[server.index].active == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        servers[server.index].active &-= 1
        touch(server.index, units: servers[server.index].units)
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let index = server.index
        servers[index].weight = UInt32(weight)
        let joined = classes.reassign(index, to: UInt32(weight), notBefore: globalTime.units(atWeight: UInt32(weight)))
        if let joined { servers[index].units = joined }
        servers[index].stamp = clock
        clock &+= 1
    }

    /// Records a change of `index`'s count: with weight > 0 its units become the later of
    /// `candidate` and its class's clock (see `ReferenceLeastConnections`); drained, they stay.
    /// Either way it gets the newest stamp.
    @inlinable
    mutating func touch(_ index: Int, units candidate: UInt64) {
        if servers[index].weight > 0 { servers[index].units = classes.advance(index, to: candidate) }
        servers[index].stamp = clock
        clock &+= 1
    }

    public func activeConnections(of server: ServerID) -> Int { Int(servers[server.index].active) }

    public func weight(of server: ServerID) -> Int { Int(servers[server.index].weight) }
}

extension LinearScanPolicy {
    /// Counts one more active connection on `server`, chosen by the caller, and advances its
    /// virtual time and stamp as a pick of it would.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if servers[server.index].active == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        servers[server.index].active &+= 1
        touch(server.index, units: servers[server.index].units &+ 1)
    }
}
