/// Every round of a `CostProbe` measurement: nanoseconds per pick + release, per subject, in
/// round order. Round `i` of every subject was measured in the same interleaved pass, so two
/// subjects' rounds pair up for a per-round ratio.
///
/// # The estimator
/// A subject's cost is its fastest round. Noise on a shared machine — preemption, interrupts, a
/// neighbour evicting the cache or taking memory bandwidth — only ever adds time to a round,
/// so the fastest round is the least disturbed one and approaches the undisturbed cost as
/// rounds are added, whatever share of the rounds was disturbed; the median moves with that
/// share, which is how a loaded neighbour inflated a flat ratio past its bound. A confidence
/// bound on the paired ratios would not help: the noise is not symmetric between the sides (a
/// cache-miss-bound subject at 100,000 servers suffers far more from a neighbour than one at
/// 64), so it would bound an inflated ratio tightly. A real regression (a pick made O(n))
/// slows every round, the fastest included, so it still fails.
///
/// - Note: A value type; not shared between threads while mutated.
public struct CostSamples: Sendable, Equatable {
    /// Per subject, nanoseconds per pick + release in each round, in round order.
    public private(set) var rounds: [CostProbe.Subject: [Double]] = [:]

    public init() {}

    /// Adds one round for `subject`.
    mutating func record(_ nanoseconds: Double, for subject: CostProbe.Subject) {
        rounds[subject, default: []].append(nanoseconds)
    }

    /// Adds every round of a later measurement of the same subjects.
    ///
    /// - Precondition: `later` measured the same subjects, so rounds still pair up.
    public mutating func append(_ later: CostSamples) {
        precondition(Set(later.rounds.keys) == Set(rounds.keys) || rounds.isEmpty, "re-measured other subjects")
        for (subject, values) in later.rounds { rounds[subject, default: []] += values }
    }

    /// The subject's cost: its fastest round, in nanoseconds.
    ///
    /// - Complexity: O(rounds).
    public func cost(_ subject: CostProbe.Subject) -> Double {
        guard let fastest = rounds[subject]?.min() else { preconditionFailure("\(subject) was not measured") }
        return fastest
    }

    /// `cost(numerator) / cost(denominator)`: the claim's figure.
    public func ratio(_ numerator: CostProbe.Subject, over denominator: CostProbe.Subject) -> Double {
        cost(numerator) / cost(denominator)
    }

    /// The ratio in each round (round `i` of one over round `i` of the other): its spread shows
    /// how far noise moved it.
    public func pairedRatios(_ numerator: CostProbe.Subject, over denominator: CostProbe.Subject) -> [Double] {
        guard let top = rounds[numerator], let bottom = rounds[denominator], top.count == bottom.count
        else { preconditionFailure("\(numerator) and \(denominator) were not measured in the same rounds") }
        return zip(top, bottom).map { $0 / $1 }
    }
}
