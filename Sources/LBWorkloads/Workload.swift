/// The named workloads: how long connections last, and the farm they run on by default.
///
/// Each is a traffic mix a load-balancer engineer recognises; options given on the command
/// line override the defaults.
public enum Workload: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case uniform
    case exponential
    case mixed
    case heavyTail = "heavy-tail"
    case longLived = "long-lived"
    case video

    public var description: String { rawValue }

    /// One line for `lbbench list`.
    public var summary: String {
        switch self {
        case .uniform: "every request lasts 10 ms: round robin should match least connections, cheaper"
        case .exponential: "exponential durations, mean 10 ms"
        case .mixed: "a web app with rare long exports (the least-connections explainer's example): 99% page loads of 5 ms, 1% exports of 30 s"
        case .heavyTail: "Pareto durations, α = 1.5, mean 10 ms (infinite variance)"
        case .longLived: "WebSocket-like sessions: exponential, mean 120 s, 64 connections in flight per server"
        case .video: "a video service on uneven servers (the explainer's closing challenge): 3 servers weighted 2,1,1; 90% thumbnails of 10 ms, 10% encodes of 60 s or more"
        }
    }

    /// The distribution each connection's duration is drawn from, in seconds.
    public var durations: DurationDistribution {
        switch self {
        case .uniform:
            .constant(seconds: 0.010)
        case .exponential:
            .exponential(mean: 0.010)
        case .mixed:
            .mixture([.init(weight: 99, .constant(seconds: 0.005)), .init(weight: 1, .constant(seconds: 30))])
        case .heavyTail:
            // Mean of Pareto(α, m) is α·m/(α−1) = 3m at α = 1.5, so m = 10 ms / 3.
            .pareto(alpha: 1.5, minimum: 0.010 / 3)
        case .longLived:
            .exponential(mean: 120)
        case .video:
            .mixture([
                .init(weight: 90, .constant(seconds: 0.010)),
                .init(weight: 10, .shiftedExponential(minimum: 60, extraMean: 60)),
            ])
        }
    }

    /// The server count this workload is defined for, or `nil` to use the run's.
    public var defaultServerCount: Int? {
        self == .video ? 3 : nil
    }

    /// The weights this workload is defined for, or `nil` for equal weights.
    public var defaultWeights: [Int]? {
        self == .video ? [2, 1, 1] : nil
    }

    /// Connections in flight per server when the run names no total concurrency.
    public var defaultConnectionsPerServer: Int {
        switch self {
        case .longLived: 64
        case .video: 8
        default: 4
        }
    }
}
