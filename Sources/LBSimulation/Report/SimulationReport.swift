import LBReporting

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
    /// Said before every section.
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

    /// The report in `format`, ending with a newline: `markdown()`, `json()` or `csv()`.
    ///
    /// - Complexity: O(runs · servers).
    package func rendered(_ format: OutputFormat) -> String {
        switch format {
        case .markdown: markdown()
        case .json: json()
        case .csv: csv()
        }
    }

    /// `lbbench.simulation/1` (docs/formats.md), keys sorted, ending with a newline.
    ///
    /// - Complexity: O(runs · servers).
    public func json() -> String {
        // Every number is a `ReportNumber`, so encoding cannot fail.
        try! ReportJSON.render(SimulationDocument(self))
    }
}
