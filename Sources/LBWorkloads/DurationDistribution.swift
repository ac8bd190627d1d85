import Foundation
import LBRandom

/// How long requests last: the distribution a workload draws each connection's duration from.
///
/// Durations are in seconds of *virtual* time: the harness never sleeps, it only uses them to
/// order releases; the simulator uses them as request sizes.
public indirect enum DurationDistribution: Sendable, Equatable, CustomStringConvertible {
    /// Every request lasts exactly `seconds`.
    case constant(seconds: Double)
    /// Exponentially distributed with the given mean.
    case exponential(mean: Double)
    /// Pareto (type I) with shape `alpha` and scale (minimum) `minimum`: heavy-tailed, with
    /// infinite variance for `alpha` ≤ 2.
    case pareto(alpha: Double, minimum: Double)
    /// `minimum` plus an exponential with mean `extraMean`: "at least this long".
    case shiftedExponential(minimum: Double, extraMean: Double)
    /// Draws from `components[i].distribution` with probability proportional to `components[i].weight`.
    case mixture([Component])

    /// One part of a `mixture`.
    public struct Component: Sendable, Equatable {
        public let weight: Double
        public let distribution: DurationDistribution

        public init(weight: Double, _ distribution: DurationDistribution) {
            self.weight = weight
            self.distribution = distribution
        }
    }

    /// The distribution's mean, in seconds (infinite for Pareto with `alpha` ≤ 1).
    public var mean: Double {
        switch self {
        case let .constant(seconds): seconds
        case let .exponential(mean): mean
        case let .pareto(alpha, minimum): alpha <= 1 ? .infinity : alpha * minimum / (alpha - 1)
        case let .shiftedExponential(minimum, extraMean): minimum + extraMean
        case let .mixture(components):
            components.reduce(0) { $0 + $1.weight * $1.distribution.mean }
                / components.reduce(0) { $0 + $1.weight }
        }
    }

    /// One duration, drawn by inversion of the distribution function.
    ///
    /// - Complexity: O(1), or O(components) for a mixture.
    @inlinable
    public func sample(using random: inout SplitMix64) -> Double {
        switch self {
        case let .constant(seconds):
            return seconds
        case let .exponential(mean):
            return -mean * log(random.nextUnitInterval())
        case let .pareto(alpha, minimum):
            return minimum * pow(random.nextUnitInterval(), -1 / alpha)
        case let .shiftedExponential(minimum, extraMean):
            return minimum - extraMean * log(random.nextUnitInterval())
        case let .mixture(components):
            let total = components.reduce(0) { $0 + $1.weight }
            var point = random.nextUnitInterval() * total
            for component in components.dropLast() {
                if point < component.weight { return component.distribution.sample(using: &random) }
                point -= component.weight
            }
            return components[components.count - 1].distribution.sample(using: &random)
        }
    }

    /// The same shape scaled so that its mean is 1 (for unit-free simulation results).
    public var normalizedToUnitMean: DurationDistribution { scaled(by: 1 / mean) }

    /// Every duration multiplied by `factor`.
    public func scaled(by factor: Double) -> DurationDistribution {
        switch self {
        case let .constant(seconds): .constant(seconds: seconds * factor)
        case let .exponential(mean): .exponential(mean: mean * factor)
        case let .pareto(alpha, minimum): .pareto(alpha: alpha, minimum: minimum * factor)
        case let .shiftedExponential(minimum, extraMean):
            .shiftedExponential(minimum: minimum * factor, extraMean: extraMean * factor)
        case let .mixture(components):
            .mixture(components.map { Component(weight: $0.weight, $0.distribution.scaled(by: factor)) })
        }
    }

    public var description: String {
        switch self {
        case let .constant(seconds): "constant \(Self.format(seconds))"
        case let .exponential(mean): "exponential, mean \(Self.format(mean))"
        case let .pareto(alpha, minimum): "Pareto α=\(alpha), minimum \(Self.format(minimum))"
        case let .shiftedExponential(minimum, extraMean):
            "\(Self.format(minimum)) + exponential(mean \(Self.format(extraMean)))"
        case let .mixture(components):
            components.map { "\(Self.percent($0.weight / components.reduce(0) { $0 + $1.weight })) \($0.distribution)" }
                .joined(separator: ", ")
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds >= 1 ? "\(seconds.formatted()) s" : "\((seconds * 1000).formatted()) ms"
    }

    private static func percent(_ fraction: Double) -> String { "\((fraction * 100).formatted())%" }
}
