import LBRandom
import LoadBalancing
import Testing

/// Drives a policy and `ReferenceLeastConnections` through the same seeded random picks,
/// releases and weight changes, requiring the same choice on every pick and no invariant
/// violation (`violation`) after every step.
///
/// The load ramps up during the first half of the run and drains in the second, so counts
/// climb well past 1 (growing bucket arrays, deep heaps) and fall back to 0. Weights are drawn
/// from `weightChoices`; a 0 drains the server.
func driveAgainstReference<Policy: SelectionPolicy>(
    _ policy: Policy.Type,
    serverCount: Int,
    weightChoices: [Int],
    steps: Int,
    seed: UInt64,
    violation: (Policy) -> String?
) throws {
    var random = SplitMix64(seed: seed)
    var weights = (0..<serverCount).map { _ in weightChoices.randomElement(using: &random)! }
    weights[0] = weightChoices.filter { $0 > 0 }.randomElement(using: &random)!
    var reference = try ReferenceLeastConnections(weights: weights)
    var subject = try Policy(weights: weights, seed: seed)
    try #require(violation(subject) == nil, "seed \(seed): \(violation(subject) ?? "")")
    var held: [ServerID] = []
    for step in 0..<steps {
        let pickPercent = step < steps / 2 ? 75 : 25
        let roll = Int.random(in: 0..<100, using: &random)
        let context = "seed \(seed) step \(step)"
        if roll < 5 {
            let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
            let weight = weightChoices.randomElement(using: &random)!
            try reference.setWeight(weight, for: server)
            try subject.setWeight(weight, for: server)
            try #require(subject.weight(of: server) == weight, "\(context)")
        } else if roll < 5 + pickPercent || held.isEmpty {
            let expected = reference.pick()
            let actual = subject.pick()
            try #require(actual == expected, "\(context): picked \(String(describing: actual)), reference \(String(describing: expected))")
            if let actual { held.append(actual) }
        } else {
            let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
            reference.release(server)
            subject.release(server)
            try #require(subject.activeConnections(of: server) == reference.activeConnections(of: server), "\(context)")
        }
        if let problem = violation(subject) { Issue.record("\(context): \(problem)"); return }
    }
    try #require(subject.activeConnections() == reference.activeConnections(), "seed \(seed)")
    try #require(subject.weights() == reference.weights(), "seed \(seed)")
}

/// A policy and `ReferenceLeastConnections` driven in lockstep by a test's own script of
/// picks and weight changes: every pick must match, at most `inFlight` connections stay open
/// (the oldest released first), and `violation` must find nothing after every step.
struct Lockstep<Policy: SelectionPolicy> {
    var policy: Policy
    var reference: ReferenceLeastConnections
    var held: [ServerID] = []
    let inFlight: Int
    let violation: (Policy) -> String?

    init(weights: [Int], inFlight: Int = 2, violation: @escaping (Policy) -> String?) throws {
        policy = try Policy(weights: weights, seed: 0)
        reference = try ReferenceLeastConnections(weights: weights)
        self.inFlight = inFlight
        self.violation = violation
    }

    /// `count` picks, each followed by a release of the oldest connection beyond `inFlight`.
    mutating func pick(_ count: Int) throws {
        for _ in 0..<count {
            let expected = reference.pick()
            try #require(policy.pick() == expected)
            if let expected { held.append(expected) }
            if held.count > inFlight {
                let server = held.removeFirst()
                reference.release(server)
                policy.release(server)
            }
            try #require(violation(policy) == nil, "\(violation(policy) ?? "")")
        }
    }

    /// Sets `weight` for each of `servers` in turn.
    mutating func setWeight(_ weight: Int, for servers: [Int]) throws {
        for server in servers {
            try reference.setWeight(weight, for: ServerID(server))
            try policy.setWeight(weight, for: ServerID(server))
            try #require(violation(policy) == nil, "weight \(weight) for \(server): \(violation(policy) ?? "")")
            try #require(policy.weight(of: ServerID(server)) == weight)
        }
    }

    /// Releases every open connection and requires the counts to agree (all 0).
    mutating func releaseAll() throws {
        for server in held {
            reference.release(server)
            policy.release(server)
        }
        held = []
        try #require(policy.activeConnections() == reference.activeConnections())
        try #require(violation(policy) == nil)
    }
}
