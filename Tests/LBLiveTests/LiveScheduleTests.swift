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
