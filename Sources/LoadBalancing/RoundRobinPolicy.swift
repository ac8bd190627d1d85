/// `round-robin` as a single-threaded policy: servers in turn, weighted servers interleaved by
/// NGINX's smooth weighted round robin (`SmoothWeightedSchedule`).
///
/// The baseline of the seed article. It is not least connections at all: it ignores how
/// busy a server is, so with uneven request durations slow requests pile up on whichever
/// server they land. It still counts active connections, so that the harness can see that
/// pile-up and check for leaks. Equal weights with one connection in flight rotate exactly.
///
/// The schedule (one period) is precomputed and indexed by a ticket that counts `pick` calls;
/// `setWeight` rebuilds it and the ticket carries on. `RoundRobinSelector` makes exactly the
/// same choices when called from one thread, so this policy is its model in the simulator.
///
/// - Complexity: pick O(1); release O(1); `setWeight` O(n + W·D) for a period of W entries
///   over D distinct weights (see `SmoothWeightedSchedule`). Memory: 8 bytes per server plus
///   4 bytes per schedule entry (4 bytes per server when weights are equal).
/// - Note: Not thread-safe (a policy); `RoundRobinSelector` is the lock-free form.
public struct RoundRobinPolicy: SelectionPolicy {
    /// Not least connections: it never looks at the counts.
    public static let isExact = false

    private var active: [UInt32]
    private var weightOf: [UInt32]
    private var schedule: [UInt32]
    private var ticket: UInt = 0

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        active = Array(repeating: 0, count: weights.count)
        weightOf = weights.map { UInt32($0) }
        schedule = SmoothWeightedSchedule.period(weights: weights)
    }

    public var serverCount: Int { active.count }

    public mutating func pick() -> ServerID? {
        // Every call takes a ticket, even one that finds every server drained, as the
        // selector's atomic ticket does.
        let turn = ticket
        ticket &+= 1
        guard !schedule.isEmpty else { return nil }
        let server = Int(schedule[Int(turn % UInt(schedule.count))])
        if active[server] == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(server)) }
        active[server] += 1
        return ServerID(server)
    }

    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        if active[server.index] == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        active[server.index] -= 1
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        guard weightOf[server.index] != UInt32(weight) else { return }
        weightOf[server.index] = UInt32(weight)
        schedule = SmoothWeightedSchedule.period(weights: weightOf.lazy.map { Int($0) })
    }

    public func activeConnections(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "activeConnections")
        return Int(active[server.index])
    }

    public func weight(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "weight")
        return Int(weightOf[server.index])
    }
}

extension RoundRobinPolicy {
    /// Counts one more active connection on `server`, chosen by the caller; the rotation is
    /// unaffected (round robin never looks at counts).
    ///
    /// - Complexity: O(1).
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if active[server.index] == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        active[server.index] += 1
    }
}
