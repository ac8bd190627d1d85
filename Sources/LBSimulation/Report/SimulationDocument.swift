import LBReporting

/// `lbbench.simulation/1`, the JSON form of a `SimulationReport` (fields in docs/formats.md).
struct SimulationDocument: Encodable {
    struct Scenario: Encodable {
        var id: String
        var title: String
        var findings: [String]
        var notes: [String]
    }

    struct Percentiles: Encodable {
        var p50, p90, p99, p999: ReportNumber

        init(_ values: SimulationResult.Percentiles) {
            p50 = ReportNumber(values.p50)
            p90 = ReportNumber(values.p90)
            p99 = ReportNumber(values.p99)
            p999 = ReportNumber(values.p999)
        }
    }

    struct PerServer: Encodable {
        var utilization: [ReportNumber]
        var peakQueue: [Int]
        var jobs: [Int]
        var meanInFlight: [ReportNumber]
    }

    struct Fairness: Encodable {
        var jainAssignments, jainLoad, peakToMeanLoad: ReportNumber
    }

    struct LittlesLaw: Encodable {
        var meanInSystem, arrivalRateTimesMeanResponse, boundary, before, after: ReportNumber
        var holds: Bool
    }

    /// One simulated run. Optional fields are written as `null`, never left out.
    struct Run: Encodable {
        var scenario: String
        var selector: String
        var servers: Int
        var weights: [Int]
        var balancerWeights: [Int]
        var balancers: Int
        var refresh: ReportNumber
        var utilization: ReportNumber
        var population: ReportNullable<Int>
        var thinkTime: ReportNumber
        var discipline: String
        var sizes: String
        var jobs: Int
        var warmupJobs: Int
        var batches: Int
        var seed: UInt64
        var meanResponse: ReportNumber
        var meanResponseHalfWidth95: ReportNumber
        var responsePercentiles: Percentiles
        var maxResponse: ReportNumber
        var meanSlowdown: ReportNumber
        var meanSlowdownHalfWidth95: ReportNumber
        var slowdownPercentiles: Percentiles
        var throughput: ReportNumber
        var measuredUtilization: ReportNumber
        var perServer: PerServer
        var busiestOverAverageInFlight: ReportNumber
        var fairness: Fairness
        var littlesLaw: LittlesLaw
        var windowLength: ReportNumber
        var simulatedRequests: Int
        var truncatedTail: Bool
        /// Why `meanResponseHalfWidth95` and `meanSlowdownHalfWidth95` are `null`, or `null` where
        /// they are intervals (`SimulationResult.NoInterval`).
        var meanResponseNoIntervalReason: ReportNullable<String>
        var meanSlowdownNoIntervalReason: ReportNullable<String>

        init(_ result: SimulationResult, scenario: String) {
            let configuration = result.configuration
            self.scenario = scenario
            selector = result.selector
            servers = configuration.weights.count
            weights = configuration.weights
            balancerWeights = configuration.balancerWeights
            balancers = configuration.balancers
            refresh = ReportNumber(configuration.refresh)
            switch configuration.traffic {
            case let .open(utilization):
                self.utilization = ReportNumber(utilization)
                population = ReportNullable(nil)
                thinkTime = ReportNumber(nil)
            case let .closed(size, think):
                utilization = ReportNumber(nil)
                population = ReportNullable(size)
                thinkTime = ReportNumber(think)
            }
            discipline = configuration.discipline.rawValue
            sizes = configuration.sizes.name
            jobs = configuration.jobs
            warmupJobs = configuration.warmupJobs
            batches = configuration.batches
            seed = configuration.seed
            meanResponse = ReportNumber(result.meanResponse)
            meanResponseHalfWidth95 = ReportNumber(result.halfWidth(of: .response, confidence: 0.95))
            responsePercentiles = Percentiles(result.responsePercentiles)
            maxResponse = ReportNumber(result.maxResponse)
            meanSlowdown = ReportNumber(result.meanSlowdown)
            meanSlowdownHalfWidth95 = ReportNumber(result.halfWidth(of: .slowdown, confidence: 0.95))
            slowdownPercentiles = Percentiles(result.slowdownPercentiles)
            throughput = ReportNumber(result.throughput)
            let busy = zip(result.utilization, configuration.weights).reduce(0) { $0 + $1.0 * Double($1.1) }
            measuredUtilization = ReportNumber(busy / configuration.totalSpeed)
            perServer = PerServer(
                utilization: result.utilization.map(ReportNumber.init), peakQueue: result.peakQueue, jobs: result.assignments,
                meanInFlight: result.meanInFlight.map(ReportNumber.init)
            )
            busiestOverAverageInFlight = ReportNumber(result.busiestOverAverageInFlight)
            fairness = Fairness(
                jainAssignments: ReportNumber(result.fairness.jainAssignments), jainLoad: ReportNumber(result.fairness.jainLoad),
                peakToMeanLoad: ReportNumber(result.fairness.peakToMeanLoad)
            )
            let little = result.littlesLaw
            littlesLaw = LittlesLaw(
                meanInSystem: ReportNumber(little.meanInSystem),
                arrivalRateTimesMeanResponse: ReportNumber(little.arrivalRateTimesMeanResponse),
                boundary: ReportNumber(little.boundary), before: ReportNumber(little.before),
                after: ReportNumber(little.after), holds: little.holds
            )
            windowLength = ReportNumber(result.windowLength)
            simulatedRequests = result.simulatedRequests
            truncatedTail = result.truncatedTail
            meanResponseNoIntervalReason = ReportNullable(result.noInterval(for: .response)?.rawValue)
            meanSlowdownNoIntervalReason = ReportNullable(result.noInterval(for: .slowdown)?.rawValue)
        }
    }

    var schema = SimulationReport.schema
    var notes: [String]
    var runs: [Run]
    var scenarios: [Scenario]

    init(_ report: SimulationReport) {
        notes = report.notes
        runs = report.sections.flatMap { section in section.results.map { Run($0, scenario: section.id) } }
        scenarios = report.sections.map { Scenario(id: $0.id, title: $0.title, findings: $0.findings, notes: $0.notes) }
    }
}
