import Foundation
import LBHarness
import LBRandom
@testable import LBLive
import LBSimulation
import Testing

/// The simulator's prediction next to each live row: which model stands for which balancer's
/// algorithm, the predicted busiest ÷ average in-flight, and where the reports carry it.
@Suite("Live: predictions of busiest ÷ average")
struct LivePredictionTests {
    @Test("HAProxy's and nginx's least connections are predicted with models of their own rules; round robin with round-robin")
    func models() {
        #expect(PeerBalancer.haproxy.simulatorModel(for: .leastConnections) == .haproxyLeastConnections)
        #expect(PeerBalancer.nginx.simulatorModel(for: .leastConnections) == .nginxLeastConnections)
        for peer in PeerBalancer.allCases {
            #expect(peer.simulatorModel(for: .roundRobin) == .selector(.roundRobin))
            #expect(peer.simulatorModel(for: .other) == nil)
            for (_, family) in peer.algorithms { #expect(peer.simulatorModel(for: family) != nil) }
        }
    }

    @Test("A prediction carries the simulator's per-backend in flight and its busiest ÷ average, for the row's own router")
    func predictionSource() throws {
        var configuration = LiveConfiguration()
        configuration.simulatedJobs = 5_000
        let source = PredictionSource(configuration: configuration)
        for router in [RouterKind.haproxyLeastConnections, .nginxLeastConnections, .selector(.linearScan)] {
            let prediction = try #require(try source.prediction(for: router))
            let simulated = try Simulation.run(
                SimulationConfiguration(
                    weights: configuration.weights, traffic: .open(utilization: 0.85), sizes: .workload(configuration.workload),
                    jobs: 5_000, seed: configuration.seed),
                router: router)
            #expect(prediction.router == router.name)
            #expect(prediction.meanInFlight == simulated.meanInFlight && prediction.meanInFlight.count == 4)
            #expect(prediction.busiestOverAverageInFlight == simulated.busiestOverAverageInFlight)
            #expect(prediction.busiestOverAverageInFlight >= 1)
        }
    }

    @Test("Findings state the measured ratio lbbench ÷ HAProxy and the predicted one; every report carries the prediction")
    func reports() throws {
        let ours = Self.row("lbbench", "linear-scan", measured: 1.2, predicted: 1.1, inFlight: [2.5, 1.5, 1.4, 1.6])
        let theirs = Self.row("haproxy", "leastconn", measured: 1.0, predicted: 1.0, inFlight: [3, 1.5, 1.5, 1.5])
        var robin = Self.row("haproxy", "roundrobin", measured: 1.3, predicted: 1.25, inFlight: [4, 4, 4, 5])
        robin.family = .roundRobin
        let findings = LiveFindings([ours, theirs, robin])
        #expect(findings.busiestRatioVersusHAProxy == 1.2)
        #expect(findings.predictedBusiestRatioVersusHAProxy == 1.1)
        let line = try #require(findings.lines.last)
        #expect(line.contains("is 1.2× HAProxy leastconn's (outside 10%); the simulator predicts 1.1× (1.1 against 1 with HAProxy's rule"))

        let report = LiveReport(
            machine: MachineContext(cpu: "cpu", cores: 2, os: "os", swift: "6", build: "debug", date: "now", timerOverheadNs: 1),
            configuration: LiveConfiguration(), rows: [ours, theirs, robin], notes: [], seconds: 1)
        let markdown = report.markdown()
        #expect(markdown.contains("| busiest ÷ avg in-flight | sim busiest ÷ avg |"))
        #expect(markdown.contains("| 1.2 | 1.1 |") && markdown.contains("| 1.3 | 1.25 |"))
        #expect(markdown.contains("| 2.5 / 1.5 / 1.4 / 1.6 |"), "the simulated per-backend in flight")
        #expect(markdown.contains("| long requests |") && markdown.contains("| 40 / 20 / 20 / 20 | 1 / 1 / 0 / 0 |"))
        #expect(markdown.contains("the simulator predicts 1.1×"))

        let csv = report.csv().split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = csv[0]
        #expect(Array(header.suffix(4)) == [
            "sim_busiest_over_average_in_flight", "sim_backend_mean_in_flight", "unreleased_picks", "backend_long_requests"])
        #expect(csv.dropFirst().allSatisfy { $0.count == header.count })
        #expect(Array(csv[1].suffix(4)) == ["1.1", "2.5/1.5/1.4/1.6", "", "1/1/0/0"])

        let document = try #require(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        let jsonFindings = try #require(document["findings"] as? [String: Any])
        #expect(jsonFindings["predictedBusiestRatioVersusHAProxy"] as? Double == 1.1)
        #expect(jsonFindings["busiestRatioVersusHAProxy"] as? Double == 1.2)
        let rows = try #require(document["rows"] as? [[String: Any]])
        let prediction = try #require(rows[2]["prediction"] as? [String: Any])
        #expect(prediction["busiestOverAverageInFlight"] as? Double == 1.25)
        #expect(prediction["meanInFlight"] as? [Double] == [4, 4, 4, 5])
        #expect((rows[0]["perBackend"] as? [String: Any])?["longRequests"] as? [Int] == [1, 1, 0, 0])
    }

    @Test("Without a prediction on both rows, no predicted ratio is claimed")
    func noPrediction() {
        var ours = Self.row("lbbench", "linear-scan", measured: 1.2, predicted: 1.1, inFlight: [1, 1, 1, 1])
        ours.prediction = nil
        let theirs = Self.row("haproxy", "leastconn", measured: 1.0, predicted: 1.0, inFlight: [1, 1, 1, 1])
        let findings = LiveFindings([ours, theirs])
        #expect(findings.busiestRatioVersusHAProxy == 1.2 && findings.predictedBusiestRatioVersusHAProxy == nil)
        #expect(findings.lines.last?.contains("predicts") == false)
    }

    @Test("The band's percentiles interpolate between ranks; within 10% and containment as stated")
    func bandFigures() {
        let band = BusiestRatioBand(ratios: [1.3, 0.8, 1.0, 1.05, 0.95, 1.2, 0.92, 1.08, 1.15, 1.0, 0.85], requestsPerWindow: 500)
        // Sorted: 0.8 0.85 0.92 0.95 1.0 1.0 1.05 1.08 1.15 1.2 1.3; ranks 0.5, 5 and 9.5 of 0...10.
        #expect(band.windows == 11 && band.requestsPerWindow == 500)
        #expect(abs(band.p5 - 0.825) < 1e-12 && band.p50 == 1.0 && abs(band.p95 - 1.25) < 1e-12)
        #expect(band.withinTenPercent == 6, "0.92 through 1.08")
        #expect(band.contains(0.9) && band.contains(1.25) && !band.contains(0.82) && !band.contains(1.26))
    }

    @Test("Within 10% includes both bounds, 1.1 as well as 0.9, in the band's count and in the findings' line")
    func withinTenPercentBounds() {
        // 1.1 - 1 is 0.10000000000000009 in binary: a bare `<= 0.1` counted it outside.
        let band = BusiestRatioBand(ratios: [0.9, 1.1, 0.8999999, 1.1000001, 1.0], requestsPerWindow: 100)
        #expect(band.withinTenPercent == 3, "0.9, 1.0 and 1.1; not 0.8999999 or 1.1000001")
        let ours = Self.row("lbbench", "linear-scan", measured: 1.1, predicted: 1.0, inFlight: [1, 1, 1, 1])
        let theirs = Self.row("haproxy", "leastconn", measured: 1.0, predicted: 1.0, inFlight: [1, 1, 1, 1])
        let line = LiveFindings([ours, theirs]).lines.last ?? ""
        #expect(line.contains("HAProxy leastconn's (within 10%)"), "\(line)")
    }

    @Test("The band simulates windows of the run's length from seeds of the run's seed, both rules on the same requests")
    func bandWindows() throws {
        var configuration = LiveConfiguration()
        configuration.duration = 10
        let source = PredictionSource(configuration: configuration)
        let band = try #require(try source.busiestRatioBand(own: .selector(.linearScan), peer: .haproxyLeastConnections, maximumWindows: 6))
        let requests = Int((try #require(configuration.arrivalRate) * 10).rounded())
        #expect(band.windows == 6 && band.requestsPerWindow == requests)
        var seeds = SplitMix64(seed: configuration.seed)
        let ratios = try (0..<6).map { _ in
            let window = SimulationConfiguration(
                weights: configuration.weights, traffic: .open(utilization: 0.85), sizes: .workload(configuration.workload),
                jobs: requests, seed: seeds.next())
            return try Simulation.run(window, router: .selector(.linearScan)).busiestOverAverageInFlight
                / Simulation.run(window, router: .haproxyLeastConnections).busiestOverAverageInFlight
        }
        #expect(band == BusiestRatioBand(ratios: ratios, requestsPerWindow: requests))
        #expect(band.p5 <= band.p50 && band.p50 <= band.p95 && band.p5 > 0)
        #expect(try source.busiestRatioBand(own: .selector(.linearScan), peer: .haproxyLeastConnections, maximumWindows: 6) == band)

        var closed = configuration
        closed.traffic = .closed(population: 8, thinkTime: 0.1)
        #expect(try PredictionSource(configuration: closed).busiestRatioBand(
            own: .selector(.linearScan), peer: .haproxyLeastConnections, maximumWindows: 6) == nil)

        // A window is never longer than the run's request cap; long windows come fewer (the
        // budget: 20 million simulated requests), never fewer than 20.
        var capped = configuration
        capped.maximumRequests = 400
        let short = try #require(try PredictionSource(configuration: capped).busiestRatioBand(
            own: .selector(.linearScan), peer: .haproxyLeastConnections, maximumWindows: 3))
        #expect(short.requestsPerWindow == 400 && short.windows == 3)
        #expect(PredictionSource.bandWindows(requestsPerWindow: 5_100, maximum: 100) == 100)
        #expect(PredictionSource.bandWindows(requestsPerWindow: 400_000, maximum: 100) == 25)
        #expect(PredictionSource.bandWindows(requestsPerWindow: 1_000_000, maximum: 100) == 20)
        #expect(PredictionSource.bandWindows(requestsPerWindow: 1_000_000, maximum: 6) == 6)
    }

    @Test("Findings and JSON put the measured ratio in its band; without a band the JSON says null")
    func bandReports() throws {
        let ours = Self.row("lbbench", "linear-scan", measured: 1.2, predicted: 1.1, inFlight: [2.5, 1.5, 1.4, 1.6])
        let theirs = Self.row("haproxy", "leastconn", measured: 1.0, predicted: 1.0, inFlight: [3, 1.5, 1.5, 1.5])
        let band = BusiestRatioBand(ratios: [0.92, 1.0, 1.08, 1.25, 1.3], requestsPerWindow: 5_100)
        let line = try #require(LiveFindings([ours, theirs], band: band).lines.last)
        #expect(line.contains("in 5 simulated windows of this run's length (5100 requests, both rules on the same requests) that ratio spans 0.936–1.29"))
        #expect(line.contains("(5th–95th percentile, median 1.08; within 10% in 3 of 5), so this run's 1.2× is inside the window-to-window scatter"))
        let narrow = BusiestRatioBand(ratios: [1.0, 1.01], requestsPerWindow: 5_100)
        #expect(LiveFindings([ours, theirs], band: narrow).lines.last?.contains("is OUTSIDE the window-to-window scatter") == true)

        let machine = MachineContext(cpu: "cpu", cores: 2, os: "os", swift: "6", build: "debug", date: "now", timerOverheadNs: 1)
        for (withBand, expected) in [(band, true), (nil, false)] as [(BusiestRatioBand?, Bool)] {
            let report = LiveReport(
                machine: machine, configuration: LiveConfiguration(), rows: [ours, theirs], notes: [], seconds: 1,
                busiestBand: withBand)
            let document = try #require(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
            let findings = try #require(document["findings"] as? [String: Any])
            if expected {
                let json = try #require(findings["busiestRatioBand"] as? [String: Any])
                #expect(json["windows"] as? Int == 5 && json["requestsPerWindow"] as? Int == 5_100)
                #expect(json["p50"] as? Double == 1.08 && json["withinTenPercent"] as? Int == 3)
                #expect(json["containsMeasured"] as? Bool == true)
                #expect(report.markdown().contains("so this run's 1.2× is inside"))
            } else {
                #expect(findings["busiestRatioBand"] is NSNull)
                #expect(!report.markdown().contains("simulated windows"))
            }
        }
    }

    @Test("Findings say whether lbbench's proxy released every pick; JSON and CSV carry each row's count, null for a peer")
    func unreleasedPicks() throws {
        var ours = Self.row("lbbench", "linear-scan", measured: 1.1, predicted: 1.05, inFlight: [2, 1, 1, 1])
        var robin = Self.row("lbbench", "round-robin", measured: 1.5, predicted: 1.4, inFlight: [2, 1, 1, 1])
        let theirs = Self.row("haproxy", "leastconn", measured: 1.0, predicted: 1.0, inFlight: [2, 1, 1, 1])
        ours.unreleasedPicks = 0
        robin.unreleasedPicks = 0
        #expect(LiveFindings([ours, robin, theirs]).lines.last?.hasPrefix("lbbench's proxy released every pick") == true)
        #expect(!LiveFindings([theirs]).lines.contains { $0.contains("released") }, "no lbbench row, no claim")
        robin.unreleasedPicks = 3
        let missed = try #require(LiveFindings([ours, robin, theirs]).lines.last)
        #expect(missed.contains("MISSED RELEASES") && missed.contains("3 under round-robin") && !missed.contains("linear-scan"))
        let report = LiveReport(
            machine: MachineContext.current(), configuration: LiveConfiguration(), rows: [ours, robin, theirs], notes: [],
            seconds: 1)
        let document = try #require(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.map { $0["unreleasedPicks"] as? Int } == [0, 3, nil] && rows[2]["unreleasedPicks"] is NSNull)
        let csv = report.csv().split(separator: "\n")
        let unreleased = csv.map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().last }
        #expect(unreleased == ["unreleased_picks", "0", "3", ""])
    }

    static func row(
        _ balancer: String, _ algorithm: String, measured: Double, predicted: Double, inFlight: [Double]
    ) -> LiveRowResult {
        LiveRowResult(
            balancer: balancer, algorithm: algorithm, family: .leastConnections, requestsPerSecond: 85,
            short: LatencySummary([0.001, 0.002]), long: LatencySummary([5]), meanResponseUnits: 2,
            backendRequests: [40, 20, 20, 20], backendLongRequests: [1, 1, 0, 0], backendMeanInFlight: [2, 1, 1, 1],
            backendMaximumInFlight: [5, 3, 3, 3],
            busiestOverAverage: measured, proxyCPUSeconds: 1, proxyCPUShare: 0.1, sent: 100, errors: 0, unfinished: 0,
            generatorMaximumLag: 0, generatorMeanLag: 0,
            segments: Array(repeating: LiveSegment(shortCount: 1, shortP99: 0.002), count: LiveConfiguration().segments),
            prediction: SimulatorPrediction(
                router: algorithm, meanResponse: 2, p50: 0.1, p90: 0.2, p99: 90, short: nil, long: nil,
                meanInFlight: inFlight, busiestOverAverageInFlight: predicted)
        )
    }

    /// A mutant that let a window hold fewer than 10 requests per batch survived the test above,
    /// whose windows were all longer than that floor.
    @Test("A band's window holds at least 10 requests per batch of the simulator's estimate, however short the run")
    func bandWindowFloor() throws {
        var configuration = LiveConfiguration()
        configuration.duration = 1  // 85 requests at the default rate
        let floor = 10 * SimulationConfiguration(weights: [1], traffic: .open(utilization: 0.5), sizes: .workload(.uniform), jobs: 1, seed: 1).batches
        #expect(floor > 85)
        let band = try #require(try PredictionSource(configuration: configuration).busiestRatioBand(
            own: .selector(.linearScan), peer: .haproxyLeastConnections, maximumWindows: 3))
        #expect(band.requestsPerWindow == floor)
    }

    /// Mutants that passed a closed loop's think time to the simulator in seconds rather than
    /// units, and predicted a one-slot FCFS backend as processor sharing, survived the suite:
    /// no prediction of either was compared with what theory says of it.
    @Test("Predictions follow the run's discipline and think time: M/D/1 FCFS and PS, a closed loop that mostly thinks")
    func predictionsFollowTheFarm() throws {
        // One backend, requests of constant size, ρ 0.5: FCFS (M/D/1) answers in 1 + ρ / (2(1 − ρ)) = 1.5
        // units on average, processor sharing in 1 / (1 − ρ) = 2.
        var configuration = LiveConfiguration()
        configuration.weights = [1]
        configuration.workload = .uniform
        configuration.traffic = .open(utilization: 0.5)
        configuration.simulatedJobs = 50_000
        configuration.capacity = .firstComeFirstServed(slots: 1)
        let fcfs = try #require(try PredictionSource(configuration: configuration).prediction(for: .selector(.roundRobin)))
        #expect(abs(fcfs.meanResponse - 1.5) < 0.05, "FCFS mean response \(fcfs.meanResponse)")
        configuration.capacity = .processorSharing
        let ps = try #require(try PredictionSource(configuration: configuration).prediction(for: .selector(.roundRobin)))
        #expect(abs(ps.meanResponse - 2) < 0.1, "PS mean response \(ps.meanResponse)")
        // Eight clients thinking 100 units (1 s of 10 ms units) between requests of 1 unit: the
        // backend is busy about 8 % of the time, so a request waits little (1 unit of thinking
        // would keep it saturated: about 7 units a request).
        configuration.unit = 0.01
        configuration.traffic = .closed(population: 8, thinkTime: 1)
        configuration.simulatedJobs = 20_000
        let closed = try #require(try PredictionSource(configuration: configuration).prediction(for: .selector(.roundRobin)))
        #expect(closed.meanResponse < 1.2, "closed-loop mean response \(closed.meanResponse)")
    }
}

/// The warning that the machine did not keep up: a late generator or rows that lost requests.
@Suite("Live: overload finding")
struct LiveOverloadTests {
    @Test("a late generator or a row losing over 5% of its requests is called out first, in the lines and the JSON; a run that kept up is not")
    func overload() throws {
        var kept = LivePredictionTests.row("lbbench", "linear-scan", measured: 1, predicted: 1, inFlight: [2, 1, 1, 1])
        kept.sent = 1_000
        kept.unfinished = 50  // exactly 5%: not over
        kept.generatorMeanLag = 0.001  // exactly 1 ms: not over
        let calm = LiveFindings([kept])
        #expect(calm.overloadedRows.isEmpty && calm.lateGenerator == nil && calm.overloadLine == nil)
        #expect(!calm.lines.contains { $0.hasPrefix("OVERLOADED") })

        var lost = kept
        lost.algorithm = "round-robin"
        lost.unfinished = 40
        lost.errors = 20
        lost.generatorMeanLag = 0.02
        lost.generatorMaximumLag = 0.2
        let findings = LiveFindings([kept, lost])
        #expect(findings.overloadedRows == [.init(balancer: "lbbench", algorithm: "round-robin", sent: 1_000, lost: 60)])
        #expect(findings.lateGenerator?.mean == 0.02 && findings.lateGenerator?.worst == 0.2)
        let first = try #require(findings.lines.first)
        #expect(first.hasPrefix("OVERLOADED: this machine did not keep up"))
        #expect(first.contains("20 ms late on average (up to 200 ms;"))
        #expect(first.contains("lbbench round-robin left 60 of 1000 requests unfinished or failed (6%)"))
    }
}
