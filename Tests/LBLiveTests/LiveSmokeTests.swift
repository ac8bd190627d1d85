import Foundation
@testable import LBLive
import LBWorkloads
import LoadBalancing
import NIOPosix
import Testing

/// Short end-to-end runs on loopback: seconds, bounded requests, everything stopped after.
@Suite("Live: end to end on loopback", .serialized)
struct LiveSmokeTests {
    /// A few seconds of light load; `port` only for one row at a time (`sequential`).
    private func shortConfiguration(_ balancers: [BalancerChoice], schedule: LiveSchedule) throws -> LiveConfiguration {
        var configuration = LiveConfiguration()
        configuration.balancers = balancers
        configuration.workload = .exponential
        // About 30 requests/s: light enough for a debug or ThreadSanitizer build on a loaded machine.
        configuration.unit = 0.05
        configuration.traffic = .open(utilization: 0.3)
        configuration.warmup = 0.5
        configuration.duration = 2
        // The run ends as soon as every request is answered; the long bound is for a debug or
        // ThreadSanitizer build on a loaded machine (with 3 s, 54 of about 60 requests were still
        // unanswered once, beside two busy loops and a build).
        configuration.drain = 30
        configuration.maximumRequests = 2_000
        configuration.simulatedJobs = 20_000
        configuration.schedule = schedule
        configuration.segments = 4
        if schedule == .sequential { configuration.port = try LoopbackPort.free() }
        return configuration
    }

    @Test(
        "lbbench's proxy, least connections and round robin: every request answered, predictions attached",
        arguments: LiveSchedule.allCases
    )
    func ownProxy(schedule: LiveSchedule) async throws {
        let configuration = try shortConfiguration([.lbbench], schedule: schedule)
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["linear-scan", "round-robin"])
        for row in report.rows {
            #expect(row.errors == 0)
            #expect(row.unfinished == 0, "\(row.algorithm): sent \(row.sent), errors \(row.errors), backends \(row.backendRequests)")
            #expect(row.unreleasedPicks == 0, "\(row.algorithm): every pick released exactly once")
            #expect(row.sent > 0 && row.sent <= configuration.maximumRequests)
            #expect((row.short?.count ?? 0) > 0)
            #expect(row.backendRequests.reduce(0, +) > 0)
            let longRequests = row.backendLongRequests.reduce(0, +)
            // Not `(1..<total).contains`: a range with its bounds reversed would crash the test process.
            #expect(longRequests >= 1 && longRequests < row.backendRequests.reduce(0, +), "exponential sizes: some long requests")
            #expect(row.prediction != nil)
            // Exponential sizes: both kinds in the simulation, short below long.
            let short = try #require(row.prediction?.short)
            let long = try #require(row.prediction?.long)
            #expect(short.p99 < long.p99)
            #expect(row.segments.count == 4)
            #expect(row.segments.map(\.shortCount).reduce(0, +) == row.short?.count)
        }
        if schedule == .together {
            #expect(report.rows[0].sent == report.rows[1].sent, "side by side, both rows get every request")
        }
        #expect(report.notes.isEmpty)
        if let port = configuration.port { #expect(!LoopbackPort.accepts(port), "the proxy stopped listening") }
        let document = try #require(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "lbbench.live/1")
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count == 2 && rows.contains { ($0["prediction"] as? [String: Any])?["shortUnits"] is [String: Any] })
        #expect(report.csv().split(separator: "\n").count == 3)
        #expect(report.markdown().contains("| lbbench | round-robin |"))
        #expect(report.markdown().contains("sim short p99 ms"))
    }

    /// The backends' counters are read at the window's edges on the generator's clock: a runner
    /// whose task runs late (a thread pool held by blocking work, as tests beside it do) still
    /// reads the same seconds the generator measured. When the runner slept through the window
    /// itself, this read 0 backend requests for rows whose every request was answered.
    @Test("The window's readings do not wait for the runner's task: held past the window, the backends still count the window's requests")
    func windowReadOnTheGeneratorsClock() async throws {
        let configuration = try shortConfiguration([.lbbench], schedule: .together)
        let held = configuration.warmup + configuration.duration + 0.5
        let report = try await LiveRunner.run(configuration, afterStartingLoad: {
            try? await Task.sleep(nanoseconds: UInt64(held * 1e9))
        })
        #expect(report.rows.count == 2)
        for row in report.rows {
            let measured = (row.short?.count ?? 0) + (row.long?.count ?? 0)
            let counted = row.backendRequests.reduce(0, +)
            #expect(measured > 0 && row.unfinished == 0)
            #expect(abs(counted - measured) <= max(3, measured / 10),
                    "\(row.algorithm): the backends counted \(counted) requests in the window, the generator measured \(measured)")
            #expect(row.backendMeanInFlight.reduce(0, +) > 0)
        }
    }

    @Test("A closed loop side by side: each row gets its own clients, and every request is answered")
    func closedLoopTogether() async throws {
        var configuration = LiveConfiguration()
        configuration.balancers = [.lbbench]
        configuration.traffic = .closed(population: 4, thinkTime: 0.01)
        configuration.unit = 0
        configuration.schedule = .together
        configuration.warmup = 0.2
        configuration.duration = 1
        configuration.drain = 30  // as in `shortConfiguration`: ends when every request is answered
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["linear-scan", "round-robin"])
        for row in report.rows {
            #expect(row.errors == 0 && row.unfinished == 0)
            #expect((row.short?.count ?? 0) > 0, "\(row.algorithm) measured no request")
        }
        #expect(report.rows[0].prediction == nil, "zero work has no simulated prediction")
    }

    @Test("--max-requests bounds a closed loop too: each row sends that many, and the report says the window was cut")
    func closedLoopRequestCap() async throws {
        var configuration = LiveConfiguration()
        configuration.balancers = [.lbbench]
        configuration.traffic = .closed(population: 4, thinkTime: 0)
        configuration.unit = 0
        configuration.warmup = 0.2
        configuration.duration = 1
        configuration.drain = 1
        configuration.maximumRequests = 40
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["linear-scan", "round-robin"])
        for row in report.rows {
            #expect(row.sent == 40 && row.errors == 0 && row.unfinished == 0, "\(row.algorithm): sent \(row.sent)")
        }
        #expect(report.notes.contains { $0.contains("stopped at --max-requests 40") }, "\(report.notes)")
    }

    @Test("A backend counts as long exactly the requests needing more than its longWork")
    func backendCountsLongRequests() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, longWork: 0.005, on: group.next())
        let client = try RawClient(port: backend.port)
        for work in [1_000_000, 5_000_000, 6_000_000, 0, 20_000_000] {
            client.send(workNanoseconds: work)
            #expect(client.readHead().hasPrefix("HTTP/1.1 200"))
        }
        client.close()
        let counters = try await backend.counters()
        #expect(counters.requests == 5 && counters.longRequests == 2, "5 ms is not more than 5 ms; 6 and 20 ms are")
        try await backend.close()
        try await group.shutdownGracefully()
    }

    @Test("Requests cut off by the end of the run are released when the generator closes their connections")
    func cutOffRequestsReleased() async throws {
        var configuration = LiveConfiguration()
        configuration.balancers = [.lbbench]
        // Four clients, each always waiting on a request of 2 s of work: four are in flight at the end.
        configuration.traffic = .closed(population: 4, thinkTime: 0)
        configuration.workload = .uniform
        configuration.unit = 2
        configuration.warmup = 0.2
        configuration.duration = 0.5
        configuration.drain = 0.1
        configuration.simulatedJobs = 2_000
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["linear-scan", "round-robin"])
        for row in report.rows {
            #expect(row.unfinished == 4, "\(row.algorithm): \(row.unfinished) unfinished")
            #expect(row.unreleasedPicks == 0, "\(row.algorithm): \(String(describing: row.unreleasedPicks)) picks never released")
        }
    }

    @Test(
        "HAProxy and nginx when installed: rows for each algorithm, stopped by PID afterwards",
        .enabled(if: PeerBalancer.haproxy.executable != nil && PeerBalancer.nginx.executable != nil)
    )
    func peers() async throws {
        let configuration = try shortConfiguration([.haproxy, .nginx], schedule: .together)
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["leastconn", "roundrobin", "least_conn", "round-robin"])
        #expect(report.rows.map { $0.prediction?.router } == ["haproxy-leastconn", "round-robin", "nginx-least-conn", "round-robin"])
        for row in report.rows {
            #expect(row.errors == 0)
            #expect((row.short?.count ?? 0) > 0)
            #expect(row.unreleasedPicks == nil, "lbbench cannot read a real balancer's counts")
        }
        #expect(Set(report.rows.map(\.sent)).count == 1, "side by side, every row gets every request")
        #expect(ChildProcesses.shared.runningCount == 0)
    }
}

/// Every option's range, checked before any work starts.
@Suite("Live: configuration ranges")
struct LiveConfigurationTests {
    @Test("The defaults are valid")
    func defaults() throws {
        try LiveConfiguration().validate()
    }

    @Test("The default run's bound leaves room inside issue 12's 3 minutes (158 s measured for 157 s of window)")
    func defaultRunFitsThreeMinutes() {
        let configuration = LiveConfiguration()
        let bound = configuration.warmup + configuration.duration + configuration.drain
        // About 1 s of start-up and simulation comes on top; 10 s of margin for a loaded machine.
        #expect(bound <= 170)
        // The busiest ÷ average target needs the long window (see `LiveConfiguration.duration`).
        #expect(configuration.duration >= 150)
    }

    @Test(
        "A utilisation outside 0.001...0.999 is refused naming --utilization (5e-324 once rounded the arrival rate to 0)",
        arguments: [1.0, 1.5, 0, -0.1, .nan, .leastNonzeroMagnitude, 0.000_9, 0.999_1])
    func utilization(value: Double) {
        var configuration = LiveConfiguration()
        configuration.traffic = .open(utilization: value)
        #expect(throws: LiveConfigurationError.self) { try configuration.validate() }
        do { try configuration.validate() } catch { #expect(error.option == "--utilization") }
    }

    @Test("The utilisation's and the unit's bounds themselves are accepted; a unit below a microsecond or above 10 s is not")
    func unitBounds() throws {
        var configuration = LiveConfiguration()
        for utilization in [0.001, 0.999] {
            configuration.traffic = .open(utilization: utilization)
            try configuration.validate()
            #expect(configuration.arrivalRate.map { $0 > 0 && $0.isFinite } == true)
        }
        for unit in [1e-6, 10.0] {
            configuration.unit = unit
            try configuration.validate()
        }
        for unit: Double in [2 * .leastNonzeroMagnitude, 1e-7, 10.001, .infinity, .nan] {
            configuration.unit = unit
            do {
                try configuration.validate()
                Issue.record("unit \(unit) s accepted")
            } catch {
                #expect(error.option == "--unit-ms")
            }
        }
    }

    @Test("Selectors given without lbbench among the balancers are refused; left at their default they are not")
    func selectorsWithoutProxy() {
        var configuration = LiveConfiguration()
        configuration.balancers = [.haproxy]
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.selectors = [.p2c]
        configuration.selectorsGiven = true
        do {
            try configuration.validate()
            Issue.record("--selectors p2c with --balancers haproxy was accepted")
        } catch {
            #expect(error.option == "--selectors" && error.description.contains("lbbench"))
        }
        configuration.balancers = [.haproxy, .lbbench]
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test("A busy port is refused naming --port")
    func busyPort() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) + getsockname(listener, $0, &length) }
        }
        #expect(listen(listener, 1) == 0)
        var configuration = LiveConfiguration()
        configuration.port = Int(UInt16(bigEndian: address.sin_port))
        do {
            try configuration.validate()
            Issue.record("a busy port was accepted")
        } catch {
            #expect(error.option == "--port")
        }
    }

    @Test("A port is refused for several rows side by side, accepted one after another")
    func portWithSchedule() throws {
        var configuration = LiveConfiguration()
        configuration.balancers = [.lbbench]
        configuration.port = try LoopbackPort.free()
        do {
            try configuration.validate()
            Issue.record("one port for two rows side by side was accepted")
        } catch {
            #expect(error.option == "--port")
        }
        configuration.schedule = .sequential
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.schedule = .together
        configuration.selectors = [.linearScan]
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test("Open traffic runs rows together by default, a closed loop one after another; segments have bounds")
    func scheduleDefaults() {
        var configuration = LiveConfiguration()
        #expect(configuration.effectiveSchedule == .together)
        configuration.traffic = .closed(population: 8, thinkTime: 0)
        #expect(configuration.effectiveSchedule == .sequential)
        configuration.schedule = .together
        #expect(configuration.effectiveSchedule == .together)
        for bad in [0, LiveConfiguration.maximumSegments + 1] {
            configuration.segments = bad
            do {
                try configuration.validate()
                Issue.record("\(bad) segments accepted")
            } catch {
                #expect(error.option == "--segments")
            }
        }
    }

    @Test("Zero work needs a closed loop; weights, slots and population have bounds")
    func otherBounds() {
        var zeroWork = LiveConfiguration()
        zeroWork.unit = 0
        #expect(throws: LiveConfigurationError.self) { try zeroWork.validate() }
        zeroWork.traffic = .closed(population: 64, thinkTime: 0)
        #expect(throws: Never.self) { try zeroWork.validate() }
        var weights = LiveConfiguration()
        weights.weights = [1, 0]
        #expect(throws: LiveConfigurationError.self) { try weights.validate() }
        var slots = LiveConfiguration()
        slots.capacity = .firstComeFirstServed(slots: 0)
        #expect(throws: LiveConfigurationError.self) { try slots.validate() }
        var population = LiveConfiguration()
        population.traffic = .closed(population: 0, thinkTime: 0)
        #expect(throws: LiveConfigurationError.self) { try population.validate() }
    }

    /// A think time the simulator cannot predict used to pass here, run its whole measurement
    /// and then fail in the prediction (exit 1, no report, a message in simulator units).
    @Test("A think time beyond what the simulator can predict is refused before the run, naming --think-time-ms")
    func thinkTimeWithinThePrediction() throws {
        var configuration = LiveConfiguration()
        configuration.weights = [100]
        configuration.unit = 0.001
        configuration.traffic = .closed(population: 1, thinkTime: 1)
        let bound = try #require(PredictionSource.maximumThinkTime(configuration))
        #expect(bound < 1, "the farm of this test must make 1 s unpredictable: \(bound)")
        do {
            try configuration.validate()
            Issue.record("a think time of 1 s accepted where the prediction allows \(bound) s")
        } catch {
            #expect(error.option == "--think-time-ms")
            #expect(error.bound.contains("\(bound * 1000)"))
        }
        configuration.traffic = .closed(population: 1, thinkTime: bound)
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.unit = 0  // zero work: no prediction, so only the plain bound applies
        configuration.traffic = .closed(population: 1, thinkTime: 1)
        #expect(throws: Never.self) { try configuration.validate() }
    }

    /// A mutant that took the arrival rate from the number of backends rather than their total
    /// speed survived the suite: the default farm (2,1,1,1) would have run at ρ 0.68, not 0.85.
    @Test("Open traffic's arrival rate is ρ × the farm's total speed ÷ the mean request's work")
    func arrivalRate() throws {
        var configuration = LiveConfiguration()
        #expect(abs(try #require(configuration.arrivalRate) - 0.85 * 5 / 0.05) < 1e-9)
        configuration.weights = [3, 1]
        configuration.traffic = .open(utilization: 0.5)
        configuration.unit = 0.01
        #expect(abs(try #require(configuration.arrivalRate) - 200) < 1e-9)
        configuration.traffic = .closed(population: 4, thinkTime: 0)
        #expect(configuration.arrivalRate == nil, "a closed loop has no arrival rate")
    }

    /// Mutants that refused 64 backends, accepted ports 1000–1023 and accepted a zero-second
    /// window survived the suite: no test sat on those edges.
    @Test("Each bound accepts its edge and refuses one step past it, naming its option")
    func edges() {
        let cases: [(option: String, change: (inout LiveConfiguration) -> Void, accepted: Bool)] = [
            ("--weights", { $0.weights = Array(repeating: 1, count: 64) }, true),
            ("--weights", { $0.weights = Array(repeating: 1, count: 65) }, false),
            ("--weights", { $0.weights = [100, 1] }, true),
            ("--weights", { $0.weights = [101, 1] }, false),
            ("--port", { $0.balancers = [.lbbench]; $0.selectors = [.linearScan]; $0.port = 1_023 }, false),
            ("--port", { $0.balancers = [.lbbench]; $0.selectors = [.linearScan]; $0.port = 65_536 }, false),
            ("--duration", { $0.duration = 0.1 }, true),
            ("--duration", { $0.duration = 0.099 }, false),
            ("--duration", { $0.duration = 600 }, true),
            ("--duration", { $0.duration = 600.001 }, false),
            ("--warmup", { $0.warmup = 0 }, true),
            ("--warmup", { $0.warmup = -0.001 }, false),
            ("--drain", { $0.drain = 600 }, true),
            ("--drain", { $0.drain = 600.001 }, false),
            ("--max-requests", { $0.maximumRequests = 1_000_000 }, true),
            ("--max-requests", { $0.maximumRequests = 1_000_001 }, false),
            ("--proxy-threads", { $0.proxyThreads = 64 }, true),
            ("--proxy-threads", { $0.proxyThreads = 65 }, false),
            ("--max-connections", { $0.maximumConnections = 10_000 }, true),
            ("--max-connections", { $0.maximumConnections = 10_001 }, false),
            ("--population", { $0.traffic = .closed(population: 4_000, thinkTime: 0) }, true),
            ("--population", { $0.traffic = .closed(population: 4_001, thinkTime: 0) }, false),
        ]
        for (option, change, accepted) in cases {
            var configuration = LiveConfiguration()
            change(&configuration)
            do {
                try configuration.validate()
                #expect(accepted, "\(option): a value past the bound was accepted")
            } catch {
                #expect(!accepted, "\(option): the bound itself was refused: \(error)")
                #expect(error.option == option, "\(error)")
            }
        }
    }
}
