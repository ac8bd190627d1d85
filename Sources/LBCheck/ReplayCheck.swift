import LBRandom
import LoadBalancing

/// Replays one seeded sequence of picks, releases and weight changes against an exact
/// selector and `ReferenceLeastConnections` side by side, single-threaded.
///
/// Exact selectors follow the canonical tie rule, so they must make the very same choices as
/// the reference on every pick, ties and weights included.
public struct ReplayCheck: Sendable {
    /// What one replay found.
    public struct Outcome: Sendable, Equatable {
        /// Picks compared.
        public var picks = 0
        /// Picks where the selector chose another server than the reference.
        public var mismatches = 0
        /// The first mismatch, for the report.
        public var firstMismatch: String?
    }

    public let serverCount: Int
    public let steps: Int
    public let seed: UInt64

    /// - Precondition: `serverCount` at least 1 and `steps` at least 0.
    public init(serverCount: Int = 16, steps: Int = 200_000, seed: UInt64 = 1) {
        precondition(serverCount >= 1, "ReplayCheck.serverCount \(serverCount): at least 1")
        precondition(steps >= 0, "ReplayCheck.steps \(steps): at least 0")
        self.serverCount = serverCount
        self.steps = steps
        self.seed = seed
    }

    /// Replays the sequence on a new selector of `kind` built with `lock`.
    ///
    /// The weights are 1…4 repeated, so ties occur both within and across weights; about one
    /// step in 200 changes a weight (drains included), keeping at least one server eligible.
    ///
    /// - Complexity: O(steps × serverCount) for the reference's scans; a release takes a random
    ///   held connection in O(1) (swapped with the last before it is removed).
    public func run(_ kind: SelectorKind, lock: LockKind = .default) throws -> Outcome {
        let weights = (0..<serverCount).map { $0 % 4 + 1 }
        var reference = try ReferenceLeastConnections(weights: weights)
        let selector = try kind.makeSelector(weights: weights, lock: lock, seed: seed)
        var random = SplitMix64(seed: seed)
        var held: [ServerID] = []
        var outcome = Outcome()
        for step in 0..<steps {
            let roll = random.next() % 200
            if roll == 0 {
                let server = ServerID(Int(random.next() % UInt64(serverCount)))
                let weight = Int(random.next() % 5)
                if weight == 0 && reference.weights().filter({ $0 > 0 }).count <= 1 { continue }
                try reference.setWeight(weight, for: server)
                try selector.setWeight(weight, for: server)
            } else if roll < 104 || held.isEmpty {
                let expected = reference.pick()
                let actual = selector.pick()
                outcome.picks += 1
                if actual != expected {
                    outcome.mismatches += 1
                    if outcome.firstMismatch == nil {
                        outcome.firstMismatch = "step \(step): picked \(actual.map(\.description) ?? "nil"), "
                            + "reference \(expected.map(\.description) ?? "nil")"
                    }
                }
                // After a mismatch the two no longer hold the same connections: stop comparing.
                if actual != expected { break }
                if let actual { held.append(actual) }
            } else {
                let index = Int(random.next() % UInt64(held.count))
                // `remove(at:)` would shift the rest: O(held), and `held` grows by about 0.035
                // per step (7,000 connections after 200,000).
                held.swapAt(index, held.count - 1)
                let server = held.removeLast()
                reference.release(server)
                selector.release(server)
            }
        }
        for server in held { selector.release(server) }
        return outcome
    }
}
