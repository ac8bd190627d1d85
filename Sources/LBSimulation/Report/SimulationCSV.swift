import LBReporting

extension SimulationReport {
    /// The columns of `csv()`, in order: each run's JSON fields by name, nested objects
    /// flattened (`responsePercentiles.p50` is `responseP50`, `littlesLaw.holds` is
    /// `littlesLawHolds`), per-server lists last.
    static let csvColumns = [
        "scenario", "selector", "servers", "weights", "balancerWeights", "balancers", "refresh", "utilization",
        "population", "thinkTime", "discipline", "sizes", "jobs", "warmupJobs", "batches", "seed",
        "meanResponse", "meanResponseHalfWidth95", "responseP50", "responseP90", "responseP99", "responseP999",
        "maxResponse", "meanSlowdown", "meanSlowdownHalfWidth95", "slowdownP50", "slowdownP90", "slowdownP99",
        "slowdownP999", "throughput", "measuredUtilization", "busiestOverAverageInFlight",
        "jainAssignments", "jainLoad", "peakToMeanLoad",
        "littlesLawMeanInSystem", "littlesLawArrivalRateTimesMeanResponse", "littlesLawBoundary", "littlesLawBefore",
        "littlesLawAfter", "littlesLawHolds",
        "windowLength", "simulatedRequests", "truncatedTail", "meanResponseNoIntervalReason", "meanSlowdownNoIntervalReason",
        "perServerUtilization", "perServerPeakQueue", "perServerJobs", "perServerMeanInFlight",
    ]

    /// One row per run, for spreadsheets and scripts: `#` comment lines with the schema, the
    /// unit of time and each scenario's title, findings and notes, then a header row (`csvColumns`). The
    /// same values as `json()`, to the same digits; a `null` there is an empty field here, lists
    /// are joined with `;`, and text with a comma is quoted (docs/formats.md).
    ///
    /// - Complexity: O(runs · servers).
    public func csv() -> String {
        let document = SimulationDocument(self)
        var lines = [
            CSVField.comment("lbbench simulation (\(Self.schema)): \(document.runs.count) runs in "
                + "\(document.scenarios.count) scenarios; times in units of the mean request's service time on a "
                + "weight-1 server"),
        ]
        lines += document.notes.map(CSVField.comment)
        for scenario in document.scenarios {
            lines.append(CSVField.comment("scenario \(scenario.id): \(scenario.title)"))
            lines += (scenario.findings + scenario.notes).map { CSVField.comment("scenario \(scenario.id): \($0)") }
        }
        lines.append(Self.csvColumns.joined(separator: ","))
        lines += document.runs.map { Self.csvFields(of: $0).joined(separator: ",") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A run's fields in the order of `csvColumns`.
    private static func csvFields(of run: SimulationDocument.Run) -> [String] {
        func number(_ value: ReportNumber) -> String { CSVField.number(value.value) }
        func numbers(_ values: [ReportNumber]) -> String { CSVField.list(values.map(number)) }
        func integers(_ values: [Int]) -> String { CSVField.list(values.map(String.init)) }
        func percentiles(_ values: SimulationDocument.Percentiles) -> [String] {
            [values.p50, values.p90, values.p99, values.p999].map(number)
        }
        return [
            CSVField.text(run.scenario), CSVField.text(run.selector), String(run.servers), integers(run.weights),
            integers(run.balancerWeights), String(run.balancers), number(run.refresh), number(run.utilization),
            run.population.value.map(String.init) ?? "", number(run.thinkTime), run.discipline, CSVField.text(run.sizes),
            String(run.jobs), String(run.warmupJobs), String(run.batches), String(run.seed),
            number(run.meanResponse), number(run.meanResponseHalfWidth95),
        ] + percentiles(run.responsePercentiles) + [
            number(run.maxResponse), number(run.meanSlowdown), number(run.meanSlowdownHalfWidth95),
        ] + percentiles(run.slowdownPercentiles) + [
            number(run.throughput), number(run.measuredUtilization), number(run.busiestOverAverageInFlight),
            number(run.fairness.jainAssignments), number(run.fairness.jainLoad), number(run.fairness.peakToMeanLoad),
            number(run.littlesLaw.meanInSystem), number(run.littlesLaw.arrivalRateTimesMeanResponse),
            number(run.littlesLaw.boundary), number(run.littlesLaw.before), number(run.littlesLaw.after),
            String(run.littlesLaw.holds),
            number(run.windowLength), String(run.simulatedRequests), String(run.truncatedTail),
            run.meanResponseNoIntervalReason.value.map(CSVField.text) ?? "",
            run.meanSlowdownNoIntervalReason.value.map(CSVField.text) ?? "",
            numbers(run.perServer.utilization), integers(run.perServer.peakQueue), integers(run.perServer.jobs),
            numbers(run.perServer.meanInFlight),
        ]
    }
}
