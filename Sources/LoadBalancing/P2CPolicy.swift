import LBRandom
/// `p2c` as a single-threaded policy: power of two choices. Draw two *distinct* servers among
/// those with weight > 0, the first in proportion to its weight and the second uniformly
/// (`P2CDraw.weightedCandidates`), pick the one with the lower score (`active / weight`); a tie
/// goes to either in proportion to its weight (`P2CDraw.lower`). So at light load, when the
/// scores tie, each server's share of the picks is its weight's share (in expectation); with
/// equal weights the pair is uniform, as in Envoy and gRPC.
///
/// The least-request balancer of Envoy (`LEAST_REQUEST`, two choices by default), gRPC
/// (proposal A48, `least_request_experimental`), Finagle (`P2CPick`) and Linkerd. Mitzenmacher
/// showed that two random choices instead of one cut the longest queue from
/// O(log n / log log n) to O(log log n); it needs no scan and no shared order, which is why
/// proxies with many workers use it. Approximate by design: it picks the better of two
/// servers, not the best of all, though never the busier of the two it drew.
///
/// Every random choice comes from a `SplitMix64` seeded with `seed`, taken a pick at a time in
/// blocks (`PickRandom`), so a run is reproducible. `P2CSelector` makes exactly the same choices
/// when called from one thread with the same seed, so this policy is its model in the simulator.
/// The two steps of a pick are public (`drawCandidates()`, `pick(between:and:)`) so that tests and
/// the harness can see the draws.
///
/// - Complexity: pick O(1) expected while a fair fraction of servers is eligible; see
///   `P2CDraw` for mostly drained configurations: at most 17 draws plus one O(n) pass, or,
///   when the first draw lands on a drained server, that draw plus two O(n) passes (a
///   weighted one for the first candidate, a uniform one for the second).
///   Release O(1); `setWeight` O(n) when it changes a weight (the alias table of the weighted
///   draw is rebuilt, as Envoy rebuilds its schedulers on a host-set change), else O(1).
///   Memory: 16 bytes per server.
/// - Note: Not thread-safe (a policy); `P2CSelector` is the lock-free form.
public struct P2CPolicy: SelectionPolicy {
    public static let isExact = false

    private var active: [UInt32]
    private var weightOf: [UInt32]
    /// The alias table of the weighted first draw (`WeightAliasTable`), rebuilt on a weight change.
    private var columns: [UInt64]
    /// Whether every weight is equal (`WeightAliasTable.isUniform`): the draw skips the table.
    private var uniform: Bool
    /// Taken a pick at a time (`drawCandidates()` begins a pick), as `P2CSelector` takes its
    /// slot's stream.
    private var random: PickRandom

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        active = Array(repeating: 0, count: weights.count)
        weightOf = weights.map { UInt32($0) }
        columns = WeightAliasTable.columns(weightOf)
        uniform = WeightAliasTable.isUniform(weightOf)
        random = PickRandom(seed: seed)
    }

    public var serverCount: Int { active.count }

    public mutating func pick() -> ServerID? {
        guard let candidates = drawCandidates() else { return nil }
        return pick(between: candidates.first, and: candidates.second)
    }

    /// Draws the candidates of the next pick: two distinct servers with weight > 0, the first
    /// in proportion to its weight, the second uniformly; `second` is `nil` when only one
    /// server is eligible, the result `nil` when none is. `pick()` is exactly `drawCandidates()` followed by `pick(between:and:)`.
    ///
    /// - Complexity: as `pick()`.
    public mutating func drawCandidates() -> (first: ServerID, second: ServerID?)? {
        var random = self.random
        defer { self.random = random }
        random.beginPick()
        let weights = weightOf
        let columns = self.columns
        guard let drawn = P2CDraw.weightedCandidates(
            serverCount: serverCount, uniform: uniform, using: &random, column: { columns[$0] }, weight: { weights[$0] }
        ) else {
            return nil
        }
        return (ServerID(drawn.first), drawn.second.map(ServerID.init))
    }

    /// Counts one more connection on whichever of `first` and `second` has the lower score,
    /// or on one of them chosen in proportion to weight if the scores are equal, and returns it. With
    /// `second` `nil`, picks `first`.
    ///
    /// - Precondition: both servers exist, have weight > 0 and differ.
    /// - Complexity: O(1).
    public mutating func pick(between first: ServerID, and second: ServerID?) -> ServerID {
        SelectorMisuse.checkKnown(first, serverCount: serverCount, in: "pick(between:and:)")
        if let second { SelectorMisuse.checkKnown(second, serverCount: serverCount, in: "pick(between:and:)") }
        precondition(weight(of: first) > 0 && second.map { weight(of: $0) > 0 && $0 != first } ?? true,
                     "p2c candidates must be distinct servers with weight > 0")
        var winner = first.index
        if let second {
            winner = P2CDraw.lower(first.index, score(first.index), second.index, score(second.index), using: &random)
        }
        if active[winner] == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(winner)) }
        active[winner] += 1
        return ServerID(winner)
    }

    private func score(_ server: Int) -> Score {
        Score(active: active[server], weight: weightOf[server])
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
        columns = WeightAliasTable.columns(weightOf)
        uniform = WeightAliasTable.isUniform(weightOf)
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

extension P2CPolicy {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: O(1).
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if active[server.index] == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        active[server.index] += 1
    }
}
