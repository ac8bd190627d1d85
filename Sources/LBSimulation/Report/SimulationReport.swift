/// The results of `lbbench simulate`, grouped by scenario, ready to print as Markdown or JSON.
///
/// - Note: A value; thread-safe.
public struct SimulationReport: Sendable {
    /// One scenario: a question, the runs that answer it, and what they show.
    public struct Section: Sendable {
        /// A short stable identifier (`mixed`, `balancers`, `custom`), the `scenario` of its
        /// runs in JSON.
        public var id: String
        /// The question, as a heading.
        public var title: String
        /// One result per run, in order.
        public var results: [SimulationResult]
        /// Sentences stating what the numbers show, computed from them.
        public var findings: [String]
        /// Runs that could not be made, and why.
        public var notes: [String]

        public init(id: String, title: String, results: [SimulationResult], findings: [String] = [], notes: [String] = []) {
            self.id = id
            self.title = title
            self.results = results
            self.findings = findings
            self.notes = notes
        }
    }

    /// The schema name scripts check before reading the JSON.
    public static let schema = "lbbench.simulation/1"

    /// The scenarios, in order.
    public var sections: [Section]
    /// Said before every section: selectors missing from this build, for instance.
    public var notes: [String]

    public init(sections: [Section], notes: [String] = []) {
        self.sections = sections
        self.notes = notes
    }

    /// Every run, in order.
    ///
    /// - Complexity: O(runs).
    public var results: [SimulationResult] { sections.flatMap(\.results) }

    /// Requests simulated in all runs, warm-up and unmeasured tail included.
    ///
    /// - Complexity: O(runs).
    public var simulatedRequests: Int {
        results.reduce(0) { $0 + $1.simulatedRequests }
    }

    /// `{"schema": "lbbench.simulation/1", "runs": [...], "scenarios": [...], "notes": [...]}`,
    /// keys sorted.
    ///
    /// - Complexity: O(runs · servers).
    public func json() -> JSONValue {
        .object([
            "schema": .string(Self.schema),
            "notes": .array(notes.map(JSONValue.string)),
            "runs": .array(sections.flatMap { section in section.results.map { $0.json(scenario: section.id) } }),
            "scenarios": .array(sections.map { section in
                .object([
                    "id": .string(section.id),
                    "title": .string(section.title),
                    "findings": .array(section.findings.map(JSONValue.string)),
                    "notes": .array(section.notes.map(JSONValue.string)),
                ])
            }),
        ])
    }
}

extension SimulationResult {
    /// The run as a `runs` entry of `lbbench.simulation/1`.
    ///
    /// - Complexity: O(servers).
    public func json(scenario: String) -> JSONValue {
        var utilizationTarget: Double?
        var population: Int?
        var thinkTime: Double?
        switch configuration.traffic {
        case let .open(utilization): utilizationTarget = utilization
        case let .closed(size, think):
            population = size
            thinkTime = think
        }
        let totalSpeed = configuration.totalSpeed
        let overallUtilization = zip(utilization, configuration.weights).reduce(0) { $0 + $1.0 * Double($1.1) } / totalSpeed
        return .object([
            "scenario": .string(scenario),
            "selector": .string(selector),
            "servers": .int(configuration.weights.count),
            "weights": .array(configuration.weights.map(JSONValue.int)),
            "balancerWeights": .array(configuration.balancerWeights.map(JSONValue.int)),
            "balancers": .int(configuration.balancers),
            "refresh": .number(configuration.refresh),
            "utilization": .number(utilizationTarget),
            "population": population.map(JSONValue.int) ?? .null,
            "thinkTime": .number(thinkTime),
            "discipline": .string(configuration.discipline.rawValue),
            "sizes": .string(configuration.sizes.name),
            "jobs": .int(configuration.jobs),
            "warmupJobs": .int(configuration.warmupJobs),
            "batches": .int(configuration.batches),
            "seed": .unsigned(configuration.seed),
            "meanResponse": .number(meanResponse),
            "meanResponseHalfWidth95": .number(responseBatches.halfWidth(confidence: 0.95)),
            "responsePercentiles": percentiles(responsePercentiles),
            "maxResponse": .number(maxResponse),
            "meanSlowdown": .number(meanSlowdown),
            "meanSlowdownHalfWidth95": .number(slowdownBatches.halfWidth(confidence: 0.95)),
            "slowdownPercentiles": percentiles(slowdownPercentiles),
            "throughput": .number(throughput),
            "measuredUtilization": .number(overallUtilization),
            "perServer": .object([
                "utilization": .array(utilization.map(JSONValue.number)),
                "peakQueue": .array(peakQueue.map(JSONValue.int)),
                "jobs": .array(assignments.map(JSONValue.int)),
            ]),
            "fairness": .object([
                "jainAssignments": .number(fairness.jainAssignments),
                "jainLoad": .number(fairness.jainLoad),
                "peakToMeanLoad": .number(fairness.peakToMeanLoad),
            ]),
            "littlesLaw": .object([
                "meanInSystem": .number(littlesLaw.meanInSystem),
                "arrivalRateTimesMeanResponse": .number(littlesLaw.arrivalRateTimesMeanResponse),
                "boundary": .number(littlesLaw.boundary),
                "holds": .bool(littlesLaw.holds),
            ]),
            "windowLength": .number(windowLength),
            "simulatedRequests": .int(simulatedRequests),
            "truncatedTail": .bool(truncatedTail),
        ])
    }

    private func percentiles(_ values: Percentiles) -> JSONValue {
        .object(["p50": .number(values.p50), "p90": .number(values.p90), "p99": .number(values.p99), "p999": .number(values.p999)])
    }
}
