import Foundation
import LBRandom

extension DurationDistribution {
    /// The time still to run on a connection found in flight at a random moment of a long,
    /// steady stream of connections drawn from this distribution (the *stationary residual*
    /// of renewal theory, density `P(X > r) / E[X]`, mean `E[X²] / 2E[X]`).
    ///
    /// A harness that starts every slot with a fresh connection begins in a state no running
    /// balancer is ever in: under `mixed`, no 30 s export would be in flight yet, although in
    /// steady state about 98% of the slots hold one. Starting each slot with a stationary
    /// residual instead puts a run in steady state from its first pick, so short runs measure
    /// the same fairness as long ones.
    ///
    /// Each case is sampled exactly:
    /// - constant `c`: uniform on `[0, c)`;
    /// - exponential: the same exponential (memoryless);
    /// - shifted exponential `m + Exp(e)`: with probability `m / (m + e)` uniform on `[0, m)`,
    ///   otherwise `m + Exp(e)`;
    /// - Pareto `(α, x)`: with probability `(α − 1) / α` uniform on `[0, x)`, otherwise
    ///   Pareto `(α − 1, x)`;
    /// - mixture: a component chosen with probability proportional to weight × mean (long
    ///   connections are more likely to be the one found in flight), then its residual.
    ///
    /// A distribution with an infinite mean (Pareto with α ≤ 1) has no stationary state; it
    /// draws a fresh duration instead.
    ///
    /// - Complexity: O(1), or O(components) for a mixture.
    package func sampleStationaryResidual(using random: inout SplitMix64) -> Double {
        switch self {
        case let .constant(seconds):
            return seconds * random.nextUnitInterval()
        case .exponential:
            return sample(using: &random)
        case let .shiftedExponential(minimum, extraMean):
            if random.nextUnitInterval() * (minimum + extraMean) < minimum {
                return minimum * random.nextUnitInterval()
            }
            return minimum - extraMean * log(random.nextUnitInterval())
        case let .pareto(alpha, minimum):
            guard alpha > 1 else { return sample(using: &random) }
            if random.nextUnitInterval() < (alpha - 1) / alpha {
                return minimum * random.nextUnitInterval()
            }
            return DurationDistribution.pareto(alpha: alpha - 1, minimum: minimum).sample(using: &random)
        case let .mixture(components):
            let shares = components.map { $0.weight * $0.distribution.mean }
            guard shares.allSatisfy(\.isFinite) else { return sample(using: &random) }
            var point = random.nextUnitInterval() * shares.reduce(0, +)
            for (component, share) in zip(components.dropLast(), shares) {
                if point < share { return component.distribution.sampleStationaryResidual(using: &random) }
                point -= share
            }
            return components[components.count - 1].distribution.sampleStationaryResidual(using: &random)
        }
    }
}
