/// The figures `lbbench compare` puts side by side, each as a ratio new ÷ base.
public enum ComparedMetric: String, Codable, CaseIterable, Sendable {
    /// `picksPerSecond`: more is better.
    case picksPerSecond
    /// `pickLatencyNs.p50`: less is better.
    case pickP50Ns
    /// `pickLatencyNs.p99`: less is better.
    case pickP99Ns
    /// `fairness.jainLoad`: more is fairer.
    case jainLoad
    /// `contention.lockWaitNsPerPick` for lock-based selectors, `contention.casRetriesPerPick`
    /// for lock-free ones: less is better.
    case contention

    /// Whether a ratio above 1 is an improvement.
    public var higherIsBetter: Bool {
        switch self {
        case .picksPerSecond, .jainLoad: true
        case .pickP50Ns, .pickP99Ns, .contention: false
        }
    }

    /// The column heading.
    public var label: String {
        switch self {
        case .picksPerSecond: "picks/s"
        case .pickP50Ns: "pick p50"
        case .pickP99Ns: "pick p99"
        case .jainLoad: "jainLoad"
        case .contention: "contention"
        }
    }

    /// The figure in `run`; `nil` for contention a selector does not count.
    func value(in run: RunResult) -> Double? {
        switch self {
        case .picksPerSecond: run.picksPerSecond
        case .pickP50Ns: Double(run.pickLatencyNs.p50)
        case .pickP99Ns: Double(run.pickLatencyNs.p99)
        case .jainLoad: run.fairness.jainLoad
        case .contention: run.contention.lockWaitNsPerPick ?? run.contention.casRetriesPerPick
        }
    }
}
