@testable import LBLive
import Testing

/// The scheduling and pairing logic of side-by-side rows: which rows run at once, in what order
/// each arrival is written, how a window is cut into segments and how rows are compared.
@Suite("Live: schedule, segments and findings")
struct LiveScheduleTests {
    @Test("Each arrival is written to every port once, and each port goes first once every n arrivals", arguments: [1, 2, 3, 6])
    func sendOrderRotates(targets: Int) {
        var firsts = Array(repeating: 0, count: targets)
        for arrival in 0..<(targets * 5) {
            let order = LoadGenerator.sendOrder(arrival: arrival, targets: targets)
            #expect(order.sorted() == Array(0..<targets))
            firsts[order[0]] += 1
        }
        #expect(firsts == Array(repeating: 5, count: targets))
        #expect(LoadGenerator.sendOrder(arrival: 1, targets: 3) == [1, 2, 0])
    }

    @Test("together measures every row at once; sequential one row at a time, in order")
    func groups() {
        #expect(LiveRunner.groups(["a", "b", "c"], schedule: .together) == [["a", "b", "c"]])
        #expect(LiveRunner.groups(["a", "b", "c"], schedule: .sequential) == [["a"], ["b"], ["c"]])
        #expect(LiveRunner.groups([String](), schedule: .together).isEmpty)
    }

    @Test("A window splits into equal segments by due time; long requests stay out; p99 per segment")
    func segments() {
        var samples: [RequestSample] = []
        // Segment 0 ([0, 2.5)): 100 short requests of 1…100 ms; segment 2: one short of 7 ms.
        for index in 0..<100 {
            samples.append(RequestSample(size: 0.5, latency: Double(index + 1) / 1000, windowTime: Double(index) * 0.02))
        }
        samples.append(RequestSample(size: 1, latency: 0.007, windowTime: 5.0))
        samples.append(RequestSample(size: 50, latency: 9, windowTime: 6))
        samples.append(RequestSample(size: 0.5, latency: 0.003, windowTime: 10))
        let segments = LiveSegment.split(samples, duration: 10, count: 4)
        #expect(segments.map(\.shortCount) == [100, 0, 1, 1])
        #expect(segments[0].shortP99 == 0.099)
        #expect(segments[1].shortP99 == nil)
        #expect(segments[2].shortP99 == 0.007)
        #expect(segments[3].shortP99 == 0.003, "a request due exactly at the end counts in the last segment")
    }

    @Test("Findings: p99 over all of a row's requests, counts, and segment pairs where least connections is below")
    func findings() throws {
        let least = row("lbbench", .leastConnections, shortLatencies: [0.001, 0.002, 0.010], segments: [0.002, 0.004, nil, 0.009])
        let robin = row("lbbench", .roundRobin, shortLatencies: [0.001, 0.003, 0.020, 0.030], segments: [0.003, 0.003, 0.005, 0.010])
        let lonely = row("nginx", .leastConnections, shortLatencies: [0.001], segments: [0.001])
        var theirs = row("haproxy", .leastConnections, shortLatencies: [0.001], segments: [])
        theirs.busiestOverAverage = 1.25
        let findings = LiveFindings([least, robin, lonely, theirs])
        let finding = try #require(findings.shortP99.first)
        #expect(findings.shortP99.count == 1, "nginx has no round-robin row, HAProxy none either")
        #expect(finding.leastConnections == 0.010 && finding.roundRobin == 0.030)
        #expect(finding.leastConnectionsCount == 3 && finding.roundRobinCount == 4)
        #expect(finding.segmentsCompared == 3, "a segment without requests in one row is not compared")
        #expect(finding.segmentsBelow == 2)
        #expect(findings.busiestRatioVersusHAProxy == 1.0 / 1.25)
        #expect(findings.lines[0].contains("below in 2 of 3 window segments"))
        #expect(findings.lines[0].contains("over 3 and 4 short requests"))
    }

    /// A mutant that counted a segment of equal p99s as below survived the test above, and one
    /// that read equal overall p99s as below would have too: no pair there was tied.
    @Test("A tie is not below: a segment of equal p99s, and equal p99s over the whole window")
    func tiesAreNotBelow() throws {
        let least = row("lbbench", .leastConnections, shortLatencies: [0.001, 0.004], segments: [0.002, 0.004])
        let robin = row("lbbench", .roundRobin, shortLatencies: [0.002, 0.004], segments: [0.003, 0.004])
        let findings = LiveFindings([least, robin])
        let finding = try #require(findings.shortP99.first)
        #expect(finding.leastConnections == finding.roundRobin)
        #expect(finding.segmentsCompared == 2 && finding.segmentsBelow == 1)
        #expect(findings.lines[0].contains("is NOT below round robin's"), "\(findings.lines[0])")
        #expect(findings.lines[0].contains("below in 1 of 2 window segments"))
    }

    @Test("Mean in-flight divides the integral by the time between the backend's own readings")
    func meanInFlight() {
        var counters = BackendCounters()
        counters.record(inFlight: 2, at: 10)
        let before = counters
        counters.record(inFlight: 4, at: 12)
        counters.record(inFlight: 4, at: 14)
        // 2 in flight for 2 s, then 4 for 2 s: 12 request-seconds over 4 s.
        #expect(LiveRunner.meanInFlight(before: before, after: counters) == 3)
        #expect(LiveRunner.meanInFlight(before: counters, after: counters) == 0)
    }

    /// Mutants that took the mean in flight over the warm-up too, the maximum from the warm-up's
    /// reading, requests/s from every request sent (warm-up and drain included) and busiest ÷
    /// average without the weights survived the suite: the row's figures were checked only end to
    /// end, by their ordering, never against readings whose every figure is known.
    @Test("A row's figures come from the window's two readings and the requests measured in it")
    func rowFigures() throws {
        var configuration = LiveConfiguration()
        configuration.duration = 10
        configuration.segments = 2
        // Backend i's load is k = 2, 1, 1, 1 times one pattern, in proportion to the weights 2, 1, 1, 1:
        // 4k in flight from 1 s to 2 s (the warm-up), 2k when the window starts at 2 s, 3k from
        // 4 s, read again at 12 s. Over the window: (2k·2 + 3k·8) ÷ 10 = 2.8k; at most 3k.
        var before: [BackendCounters] = []
        var after: [BackendCounters] = []
        for k in [2, 1, 1, 1] {
            var counters = BackendCounters()
            counters.record(inFlight: 4 * k, at: 1)
            counters.record(inFlight: 2 * k, at: 2)
            counters.requests = 7 * k
            counters.longRequests = k
            before.append(counters)
            counters.maximumInFlight = counters.inFlight  // what the reading that starts the window does
            counters.record(inFlight: 3 * k, at: 4)
            counters.record(inFlight: 3 * k, at: 12)
            counters.requests += 20 * k
            counters.longRequests += 2 * k
            after.append(counters)
        }
        var outcome = GeneratorOutcome()
        outcome.sent = 9  // with the warm-up's and the drain's requests
        outcome.samples = [
            RequestSample(size: 0.5, latency: 0.010, windowTime: 1), RequestSample(size: 0.5, latency: 0.020, windowTime: 6),
            RequestSample(size: 0.5, latency: 0.030, windowTime: 7), RequestSample(size: 20, latency: 1.140, windowTime: 8),
        ]
        let row = LiveRunner.row(
            balancer: .lbbench, algorithm: "linear-scan", family: .leastConnections, outcome: outcome, before: before,
            after: after, cpuSeconds: 2.5, unreleasedPicks: 0, window: 10, configuration: configuration
        )
        #expect(row.requestsPerSecond == 0.4, "4 requests measured over 10 s")
        #expect(zip(row.backendMeanInFlight, [5.6, 2.8, 2.8, 2.8]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(row.backendMeanInFlight)")
        #expect(row.backendMaximumInFlight == [6, 3, 3, 3])
        #expect(row.backendRequests == [40, 20, 20, 20])
        #expect(row.backendLongRequests == [4, 2, 2, 2])
        #expect(abs(row.busiestOverAverage - 1) < 1e-9, "load in proportion to the weights is even")
        #expect(abs(try #require(row.meanResponseUnits) - 0.3 / 0.05) < 1e-9, "mean latency 0.3 s over units of 0.05 s")
        #expect(row.short?.count == 3 && row.long?.count == 1)
        #expect(row.segments.map(\.shortCount) == [1, 2])
        #expect(row.proxyCPUShare == 0.25)
        #expect(row.sent == 9 && row.unreleasedPicks == 0)
    }

    private func row(
        _ balancer: String, _ family: AlgorithmFamily, shortLatencies: [Double], segments: [Double?]
    ) -> LiveRowResult {
        LiveRowResult(
            balancer: balancer, algorithm: family.rawValue, family: family, requestsPerSecond: 1,
            short: LatencySummary(shortLatencies), long: nil, meanResponseUnits: nil,
            backendRequests: [1], backendLongRequests: [0], backendMeanInFlight: [1], backendMaximumInFlight: [1],
            busiestOverAverage: 1,
            proxyCPUSeconds: 0, proxyCPUShare: 0, sent: 1, errors: 0, unfinished: 0,
            generatorMaximumLag: 0, generatorMeanLag: 0,
            segments: segments.map { LiveSegment(shortCount: $0 == nil ? 0 : 1, shortP99: $0) }, prediction: nil
        )
    }
}
