/// `linear-scan`: an array of per-server counts, scanned for the minimal score on every pick.
///
/// Mirrors NGINX's `least_conn` (a pass over the peers comparing `conns * best.weight <
/// best.conns * weight`) and IPVS's `wlc` (a walk of the service's list). Exact: picks the
/// minimal score, ties broken by the canonical weighted rule of `ReferenceLeastConnections`
/// (earliest virtual time, then oldest stamp), so tied servers share picks in proportion to
/// their weights, as NGINX's smooth weighted rotation among tied peers does.
///
/// Each server is one 16-byte record (count, weight, last-change stamp) in one contiguous
/// array, so the scan streams through memory as it did before virtual time existed; virtual
/// times live in a parallel array read only to break a tie between different weights, and
/// the weight-class clocks apart (`WeightClassClocks`), touched once per operation.
///
/// - Complexity: pick O(n); release O(1); `setWeight` O(1) expected plus O(W) for W distinct
///   weights (`WeightClassClocks.reassign`).
///   Memory: 28 bytes per server, plus about 40 bytes per distinct weight.
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
    /// Each server's virtual time in units of `1 / weight`.
    @usableFromInline var units: [UInt64]
    @usableFromInline var clock: UInt64
    @usableFromInline var classes: WeightClassClocks

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        servers = weights.enumerated().map { index, weight in
            Server(active: 0, weight: UInt32(weight), stamp: UInt64(index))
        }
        units = Array(repeating: 0, count: weights.count)
        clock = UInt64(weights.count)
        classes = WeightClassClocks(weights: weights)
    }

    @inlinable
    public var serverCount: Int { servers.count }

    @inlinable
    public mutating func pick() -> ServerID? {
        let hasOneClass = classes.hasOneClass
        let best: Int? = servers.withUnsafeBufferPointer { servers in
            units.withUnsafeBufferPointer { units in
                // Two copies of the scan, each with `oneClass` a constant folded into its loop.
                hasOneClass ? Self.scan(servers, units, oneClass: true) : Self.scan(servers, units, oneClass: false)
            }
        }
        guard let best else { return nil }
        if servers[best].active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(best)) }
        servers[best].active &+= 1
        units[best] = classes.tick(best)
        touch(best)
        return ServerID(best)
    }

    /// The server a pick takes: minimal score, then earliest virtual time, then oldest stamp.
    /// Between one weight the stamp alone breaks a tie (within a weight class virtual time
    /// never decreases in stamp order), so with `oneClass` (every positive weight equal) the
    /// scan reads only the 16-byte records, as it did before virtual time existed; otherwise
    /// it reads a server's units only when it ties on score with a best of another weight,
    /// and keeps the best's units in a register.
    ///
    /// - Complexity: O(n).
    @inlinable
    @inline(__always)
    static func scan(
        _ servers: UnsafeBufferPointer<Server>, _ units: UnsafeBufferPointer<UInt64>, oneClass: Bool
    ) -> Int? {
        var best = -1
        var bestActive: UInt64 = 0
        var bestWeight: UInt64 = 0
        var bestStamp: UInt64 = 0
        var bestUnits: UInt64 = 0
        for index in servers.indices {
            let server = servers[index]
            if server.weight == 0 { continue }
            let weight = UInt64(server.weight)
            let left = UInt64(server.active) &* bestWeight
            let right = bestActive &* weight
            // `best < 0` makes the first candidate win outright (bestWeight is still 0).
            if best < 0 || left < right
                || (left == right
                    && (oneClass || weight == bestWeight
                        ? server.stamp < bestStamp
                        : breaksTie(server, units[index], bestWeight, bestUnits, bestStamp))) {
                best = index
                bestActive = UInt64(server.active)
                bestWeight = weight
                bestStamp = server.stamp
                if !oneClass { bestUnits = units[index] }
            }
        }
        return best < 0 ? nil : best
    }

    /// Whether `server`, whose score equals the best so far and whose weight differs from it,
    /// wins the tie: earlier virtual time, then older stamp.
    @inlinable
    @inline(__always)
    static func breaksTie(
        _ server: Server, _ serverUnits: UInt64, _ bestWeight: UInt64, _ bestUnits: UInt64, _ bestStamp: UInt64
    ) -> Bool {
        VirtualTime.precedes(
            serverUnits, server.weight, server.stamp, bestUnits, UInt32(truncatingIfNeeded: bestWeight), bestStamp)
    }

    @inlinable
    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        if servers[server.index].active == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        servers[server.index].active &-= 1
        if servers[server.index].weight > 0 { units[server.index] = classes.round(server.index) }
        touch(server.index)
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let index = server.index
        servers[index].weight = UInt32(weight)
        if let joined = classes.reassign(index, to: UInt32(weight)) { units[index] = joined }
        touch(index)
    }

    /// Gives `index` the newest stamp.
    @inlinable
    mutating func touch(_ index: Int) {
        servers[index].stamp = clock
        clock &+= 1
    }

    public func activeConnections(of server: ServerID) -> Int { Int(servers[server.index].active) }

    public func weight(of server: ServerID) -> Int { Int(servers[server.index].weight) }
}

extension LinearScanPolicy {
    /// Counts one more active connection on `server`, chosen by the caller, in its class's
    /// clock and its stamp as a pick of it would.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if servers[server.index].active == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        servers[server.index].active &+= 1
        if servers[server.index].weight > 0 { units[server.index] = classes.tick(server.index) }
        touch(server.index)
    }
}
