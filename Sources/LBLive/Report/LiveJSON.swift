import LBReporting
import LBSimulation

extension LiveReport {
    /// The schema name of `json()`'s document; documented in `docs/live.md`.
    public static let schema = "lbbench.live/1"

    /// The report as `lbbench.live/1` (`machine`, `farm`, `rows`, `findings`, `notes`,
    /// `seconds`), pretty-printed with sorted keys and a final newline. Times are in seconds
    /// unless a field's name says units; non-finite numbers are written as `null`.
    ///
    /// - Complexity: O(rows × backends).
    package func json() throws -> String {
        try ReportJSON.render(LiveDocument(self))
    }
}

/// The `lbbench.live/1` document, field by field as `docs/live.md` describes it.
private struct LiveDocument: Encodable {
    struct Machine: Encodable {
        var cpu: String, cores: Int, os: String, swift: String, build: String, date: String
    }

    struct Traffic: Encodable {
        var kind: String
        var utilization: ReportNumber?
        var arrivalRate: ReportNumber?
        var population: Int?
        var thinkTime: ReportNumber?
    }

    struct Farm: Encodable {
        var weights: [Int]
        var capacity: String
        var sizes: String
        var unitSeconds: ReportNumber
        var traffic: Traffic
        var warmupSeconds: ReportNumber
        var durationSeconds: ReportNumber
        var drainSeconds: ReportNumber
        var seed: UInt64
        var proxyThreads: Int
        var schedule: String
        var segments: Int
    }

    struct ShortP99: Encodable {
        var balancer: String
        var leastConnections: ReportNumber
        var roundRobin: ReportNumber
        var leastConnectionsCount: Int
        var roundRobinCount: Int
        var segmentsCompared: Int
        var segmentsBelow: Int
    }

    struct Findings: Encodable {
        var shortP99: [ShortP99]
        var busiestRatioVersusHAProxy: ReportNumber
        var predictedBusiestRatioVersusHAProxy: ReportNumber
        var busiestRatioBand: ReportNullable<Band>
        var overload: Overload
    }

    /// `LiveFindings.overloadedRows` and `.lateGenerator`: empty and `null` when the machine kept up.
    struct Overload: Encodable {
        struct Row: Encodable {
            var balancer: String
            var algorithm: String
            var sent: Int
            var unfinishedOrFailed: Int
        }
        var rows: [Row]
        var generatorMeanLagSeconds: ReportNumber
        var generatorMaximumLagSeconds: ReportNumber
    }

    /// `BusiestRatioBand`.
    struct Band: Encodable {
        var windows: Int
        var requestsPerWindow: Int
        var p5, p50, p95: ReportNumber
        var withinTenPercent: Int
        var containsMeasured: ReportNullable<Bool>
    }

    var schema = LiveReport.schema
    var machine: Machine
    var farm: Farm
    var rows: [LiveRowDocument]
    var findings: Findings
    var notes: [String]
    var seconds: ReportNumber

    init(_ report: LiveReport) {
        let context = report.machine
        machine = Machine(
            cpu: context.cpu, cores: context.cores, os: context.os, swift: context.swift,
            build: context.build, date: context.date)
        let configuration = report.configuration
        let traffic: Traffic
        switch configuration.traffic {
        case let .open(utilization):
            traffic = Traffic(
                kind: "open", utilization: ReportNumber(utilization),
                arrivalRate: ReportNumber(configuration.arrivalRate))
        case let .closed(population, thinkTime):
            traffic = Traffic(kind: "closed", population: population, thinkTime: ReportNumber(thinkTime))
        }
        farm = Farm(
            weights: configuration.weights, capacity: configuration.capacity.description,
            sizes: configuration.workload.rawValue, unitSeconds: ReportNumber(configuration.unit),
            traffic: traffic, warmupSeconds: ReportNumber(configuration.warmup),
            durationSeconds: ReportNumber(configuration.duration),
            drainSeconds: ReportNumber(configuration.drain), seed: configuration.seed,
            proxyThreads: configuration.proxyThreads, schedule: configuration.effectiveSchedule.rawValue,
            segments: configuration.segments)
        rows = report.rows.map(LiveRowDocument.init)
        let computed = LiveFindings(report.rows, band: report.busiestBand)
        findings = Findings(
            shortP99: computed.shortP99.map {
                ShortP99(
                    balancer: $0.balancer, leastConnections: ReportNumber($0.leastConnections),
                    roundRobin: ReportNumber($0.roundRobin), leastConnectionsCount: $0.leastConnectionsCount,
                    roundRobinCount: $0.roundRobinCount, segmentsCompared: $0.segmentsCompared,
                    segmentsBelow: $0.segmentsBelow)
            },
            busiestRatioVersusHAProxy: ReportNumber(computed.busiestRatioVersusHAProxy),
            predictedBusiestRatioVersusHAProxy: ReportNumber(computed.predictedBusiestRatioVersusHAProxy),
            busiestRatioBand: ReportNullable(computed.busiestBand.map { band in
                Band(
                    windows: band.windows, requestsPerWindow: band.requestsPerWindow, p5: ReportNumber(band.p5),
                    p50: ReportNumber(band.p50), p95: ReportNumber(band.p95), withinTenPercent: band.withinTenPercent,
                    containsMeasured: ReportNullable(computed.busiestRatioVersusHAProxy.map(band.contains)))
            }),
            overload: Overload(
                rows: computed.overloadedRows.map {
                    Overload.Row(balancer: $0.balancer, algorithm: $0.algorithm, sent: $0.sent, unfinishedOrFailed: $0.lost)
                },
                generatorMeanLagSeconds: ReportNumber(computed.lateGenerator?.mean),
                generatorMaximumLagSeconds: ReportNumber(computed.lateGenerator?.worst)))
        notes = report.notes
        seconds = ReportNumber(report.seconds)
    }
}

/// One balancer × algorithm row of `lbbench.live/1`.
private struct LiveRowDocument: Encodable {
    struct Latency: Encodable {
        var count: Int
        var mean, p50, p90, p99: ReportNumber
        var max: ReportNumber?

        init(count: Int, mean: Double, p50: Double, p90: Double, p99: Double, maximum: Double?) {
            self.count = count
            self.mean = ReportNumber(mean)
            self.p50 = ReportNumber(p50)
            self.p90 = ReportNumber(p90)
            self.p99 = ReportNumber(p99)
            max = maximum.map(ReportNumber.init)
        }

        init(_ summary: LatencySummary) {
            self.init(
                count: summary.count, mean: summary.mean, p50: summary.p50, p90: summary.p90, p99: summary.p99,
                maximum: summary.maximum)
        }

        /// A simulated size class has no maximum: the key is left out.
        init(_ response: SimulationResult.SizeClassResponse) {
            self.init(
                count: response.count, mean: response.mean, p50: response.p50, p90: response.p90, p99: response.p99,
                maximum: nil)
        }
    }

    struct PerBackend: Encodable {
        var requests: [Int]
        var longRequests: [Int]
        var meanInFlight: [ReportNumber]
        var maxInFlight: [Int]
    }

    struct Segment: Encodable {
        var shortCount: Int
        var shortP99: ReportNumber
    }

    struct Prediction: Encodable {
        var router: String
        var meanResponseUnits, p50Units, p90Units, p99Units: ReportNumber
        var shortUnits, longUnits: ReportNullable<Latency>
        var meanInFlight: [ReportNumber]
        var busiestOverAverageInFlight: ReportNumber
    }

    var balancer: String
    var algorithm: String
    var family: String
    var requestsPerSecond: ReportNumber
    var short: ReportNullable<Latency>
    var long: ReportNullable<Latency>
    var meanResponseUnits: ReportNumber
    var perBackend: PerBackend
    var busiestOverAverageInFlight: ReportNumber
    var proxyCPUSeconds: ReportNumber
    var proxyCPUShare: ReportNumber
    var sent: Int
    var errors: Int
    var unfinished: Int
    var generatorMaxLagSeconds: ReportNumber
    var generatorMeanLagSeconds: ReportNumber
    var segments: [Segment]
    var prediction: ReportNullable<Prediction>
    var unreleasedPicks: ReportNullable<Int>

    init(_ row: LiveRowResult) {
        balancer = row.balancer
        algorithm = row.algorithm
        family = row.family.rawValue
        requestsPerSecond = ReportNumber(row.requestsPerSecond)
        short = ReportNullable(row.short.map(Latency.init))
        long = ReportNullable(row.long.map(Latency.init))
        meanResponseUnits = ReportNumber(row.meanResponseUnits)
        perBackend = PerBackend(
            requests: row.backendRequests, longRequests: row.backendLongRequests,
            meanInFlight: row.backendMeanInFlight.map(ReportNumber.init), maxInFlight: row.backendMaximumInFlight)
        busiestOverAverageInFlight = ReportNumber(row.busiestOverAverage)
        proxyCPUSeconds = ReportNumber(row.proxyCPUSeconds)
        proxyCPUShare = ReportNumber(row.proxyCPUShare)
        sent = row.sent
        errors = row.errors
        unfinished = row.unfinished
        generatorMaxLagSeconds = ReportNumber(row.generatorMaximumLag)
        generatorMeanLagSeconds = ReportNumber(row.generatorMeanLag)
        segments = row.segments.map { Segment(shortCount: $0.shortCount, shortP99: ReportNumber($0.shortP99)) }
        prediction = ReportNullable(row.prediction.map {
            Prediction(
                router: $0.router, meanResponseUnits: ReportNumber($0.meanResponse),
                p50Units: ReportNumber($0.p50), p90Units: ReportNumber($0.p90), p99Units: ReportNumber($0.p99),
                shortUnits: ReportNullable($0.short.map(Latency.init)),
                longUnits: ReportNullable($0.long.map(Latency.init)),
                meanInFlight: $0.meanInFlight.map(ReportNumber.init),
                busiestOverAverageInFlight: ReportNumber($0.busiestOverAverageInFlight))
        })
        unreleasedPicks = ReportNullable(row.unreleasedPicks)
    }
}
