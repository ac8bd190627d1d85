/// The trivially correct weighted least-connections model that every exact policy is checked
/// against, and the definition of the canonical tie rule.
///
/// A pick goes to the server with weight > 0 that minimizes, in order:
/// 1. its score `active / weight`, compared exactly (128-bit cross-multiplication here, so
///    the model shares no arithmetic with `Score`);
/// 2. its *last-change stamp*: a counter value recorded whenever the server was picked,
///    released or had its weight set. Initially server `i` has stamp `i`.
///
/// So among equal scores the server left untouched longest wins: with one connection in
/// flight at a time, equal servers take turns, and a server just released goes behind its
/// peers. Every exact policy (`linear-scan`, `min-heap`, `buckets`) makes exactly these choices,
/// which makes whole runs replayable across implementations.
///
/// - Complexity: pick O(n) with a full sort-free scan; release and `setWeight` O(1).
///   Memory 24 bytes per server. Not meant for production: meant to be obviously right.
/// - Note: Not thread-safe (a policy).
public struct ReferenceLeastConnections: SelectionPolicy {
    public static let isExact = true

    private var active: [Int]
    private var weightOf: [Int]
    private var stamp: [UInt64]
    private var clock: UInt64

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        active = Array(repeating: 0, count: weights.count)
        weightOf = weights
        stamp = (0..<weights.count).map { UInt64($0) }
        clock = UInt64(weights.count)
    }

    public var serverCount: Int { active.count }

    /// Whether server `a` should be picked before server `b` (both have weight > 0).
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let left = Int128(active[a]) * Int128(weightOf[b])
        let right = Int128(active[b]) * Int128(weightOf[a])
        if left != right { return left < right }
        return stamp[a] < stamp[b]
    }

    private mutating func touch(_ server: Int) {
        stamp[server] = clock
        clock += 1
    }

    public mutating func pick() -> ServerID? {
        let eligible = active.indices.filter { weightOf[$0] > 0 }
        guard let best = eligible.min(by: precedes) else { return nil }
        active[best] += 1
        touch(best)
        return ServerID(best)
    }

    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        guard active[server.index] > 0 else { SelectorMisuse.releaseWithoutConnection(server) }
        active[server.index] -= 1
        touch(server.index)
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        weightOf[server.index] = weight
        touch(server.index)
    }

    public func activeConnections(of server: ServerID) -> Int { active[server.index] }

    public func weight(of server: ServerID) -> Int { weightOf[server.index] }
}

extension ReferenceLeastConnections: AssignablePolicy {
    /// The model of `assign`: one more active connection on `server`, stamp touched as by a
    /// pick. Drained servers are allowed: their connections still count.
    ///
    /// - Complexity: O(1).
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        active[server.index] += 1
        touch(server.index)
    }
}
