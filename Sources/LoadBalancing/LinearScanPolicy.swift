/// `linear-scan`: an array of per-server counts, scanned for the minimal score on every pick.
///
/// Mirrors NGINX's `least_conn` (a pass over the peers comparing `conns * best.weight <
/// best.conns * weight`) and IPVS's `wlc` (a walk of the service's list). Exact: picks the
/// minimal score, ties broken by the canonical least-recently-changed rule of
/// `ReferenceLeastConnections`, which makes equal servers take turns.
///
/// Each server is one 16-byte record (count, weight, last-change stamp) in one contiguous
/// array, so the scan streams through memory.
///
/// - Complexity: pick O(n); release O(1); `setWeight` O(1). Memory: 16 bytes per server.
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct LinearScanPolicy: SelectionPolicy {
    @usableFromInline
    struct Server {
        @usableFromInline var active: UInt32
        @usableFromInline var weight: UInt32
        @usableFromInline var stamp: UInt64
    }

    public static let isExact = true

    @usableFromInline var servers: [Server]
    @usableFromInline var clock: UInt64

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        servers = weights.enumerated().map { index, weight in
            Server(active: 0, weight: UInt32(weight), stamp: UInt64(index))
        }
        clock = UInt64(weights.count)
    }

    @inlinable
    public var serverCount: Int { servers.count }

    @inlinable
    public mutating func pick() -> ServerID? {
        let best: Int? = servers.withUnsafeBufferPointer { servers in
            var best = -1
            var bestActive: UInt64 = 0
            var bestWeight: UInt64 = 0
            var bestStamp: UInt64 = 0
            for index in servers.indices {
                let server = servers[index]
                if server.weight == 0 { continue }
                let left = UInt64(server.active) &* bestWeight
                let right = bestActive &* UInt64(server.weight)
                // Before the first candidate, bestWeight is 0 so `left == right == 0` and the
                // stamp test below decides; `best < 0` makes the first candidate win outright.
                if best < 0 || left < right || (left == right && server.stamp < bestStamp) {
                    best = index
                    bestActive = UInt64(server.active)
                    bestWeight = UInt64(server.weight)
                    bestStamp = server.stamp
                }
            }
            return best < 0 ? nil : best
        }
        guard let best else { return nil }
        if servers[best].active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(best)) }
        servers[best].active &+= 1
        touch(best)
        return ServerID(best)
    }

    @inlinable
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        if servers[server.index].active == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        servers[server.index].active &-= 1
        touch(server.index)
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        servers[server.index].weight = UInt32(weight)
        touch(server.index)
    }

    @inlinable
    mutating func touch(_ index: Int) {
        servers[index].stamp = clock
        clock &+= 1
    }

    public func activeConnections(of server: ServerID) -> Int { Int(servers[server.index].active) }

    public func weight(of server: ServerID) -> Int { Int(servers[server.index].weight) }
}

extension LinearScanPolicy: AssignablePolicy {
    /// Counts one more active connection on `server`, chosen by the caller, and touches its
    /// stamp as a pick of it would.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if servers[server.index].active == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        servers[server.index].active &+= 1
        touch(server.index)
    }
}
