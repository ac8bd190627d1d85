import LBWorkloads

/// How much work requests need: the size distribution, scaled to mean 1, so one time unit is
/// the mean request's service time on a weight-1 server and every reported time is unit-free.
///
/// The harness's workloads (`Workload.durations.normalizedToUnitMean`) plus the two shapes
/// queueing theory starts from.
///
/// - Note: A value; thread-safe.
public enum RequestSizes: Hashable, Sendable, CustomStringConvertible {
    /// Every request has size 1 (M/D/1 territory; what `uniform` becomes once normalised).
    case deterministic
    /// Exponential sizes, mean 1 (M/M/1 territory).
    case exponential
    /// A harness workload's durations, normalised to mean 1.
    case workload(Workload)

    /// Every name `init?(name:)` accepts, in the order help text lists them.
    public static let names: [String] = ["deterministic", "exponential"]
        + Workload.allCases.filter { $0 != .exponential }.map(\.rawValue)

    /// Parses a command-line name: `deterministic`, `exponential` or a workload's name.
    ///
    /// - Complexity: O(workloads).
    public init?(name: String) {
        switch name {
        case "deterministic": self = .deterministic
        case "exponential": self = .exponential
        default:
            guard let workload = Workload(rawValue: name) else { return nil }
            self = .workload(workload)
        }
    }

    /// The name `init?(name:)` accepts.
    public var name: String {
        switch self {
        case .deterministic: "deterministic"
        case .exponential: "exponential"
        case let .workload(workload): workload.rawValue
        }
    }

    public var description: String { name }

    /// The size distribution, mean 1.
    ///
    /// - Complexity: O(1), or O(components) for a mixture.
    public var distribution: DurationDistribution {
        switch self {
        case .deterministic: .constant(seconds: 1)
        case .exponential: .exponential(mean: 1)
        case let .workload(workload): workload.durations.normalizedToUnitMean
        }
    }

    /// The farm this size mix is defined on (`video`: weights 2, 1, 1), or `nil`.
    public var defaultWeights: [Int]? {
        if case let .workload(workload) = self { workload.defaultWeights } else { nil }
    }
}
