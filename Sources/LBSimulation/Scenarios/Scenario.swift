/// A question the simulator answers: a list of runs, and how to read their results.
///
/// - Note: A value; thread-safe. Its runs are independent and run one after another.
public struct Scenario: Sendable {
    /// One simulation to run.
    public struct Run: Sendable {
        /// The farm and its traffic.
        public var configuration: SimulationConfiguration
        /// What every balancer of the farm routes with.
        public var router: RouterKind

        public init(_ configuration: SimulationConfiguration, router: RouterKind) {
            self.configuration = configuration
            self.router = router
        }
    }

    /// What the scenario's findings compare.
    public enum Finding: Sendable {
        /// Least connections against round robin, on p99 response time.
        case leastConnectionsVersusRoundRobin
        /// Each selector weighted against the same selector unweighted.
        case weightedVersusUnweighted
        /// Each selector with several balancers against itself with one.
        case degradationWithBalancers
    }

    /// A short stable identifier, the `scenario` of its runs in JSON.
    public var id: String
    /// The question, as a heading.
    public var title: String
    /// The simulations, in report order.
    public var runs: [Run]
    /// How to state what the results show; `nil` for none.
    public var finding: Finding?
    /// Said before any run: how to read the scenario (the mixed workload's, for instance).
    public var notes: [String]

    public init(id: String, title: String, runs: [Run], finding: Finding? = nil, notes: [String] = []) {
        self.id = id
        self.title = title
        self.runs = runs
        self.finding = finding
        self.notes = notes
    }

    /// Runs every simulation in order.
    ///
    /// - Parameter starting: called with each run just before it starts (a progress line).
    /// - Complexity: the sum of the runs'.
    /// - Throws: `SimulationError` for an invalid configuration or weights the library refuses.
    public func run(starting: (Run) -> Void = { _ in }) throws(SimulationError) -> SimulationReport.Section {
        var results: [SimulationResult] = []
        for run in runs {
            starting(run)
            results.append(try Simulation.run(run.configuration, router: run.router))
        }
        let findings = finding.map { Findings.describe($0, results: results) } ?? []
        return SimulationReport.Section(id: id, title: title, results: results, findings: findings, notes: notes)
    }
}
