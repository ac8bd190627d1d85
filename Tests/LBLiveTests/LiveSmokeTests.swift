import Foundation
@testable import LBLive
import LBWorkloads
import LoadBalancing
import Testing

/// Short end-to-end runs on loopback: seconds, bounded requests, everything stopped after.
@Suite("Live: end to end on loopback", .serialized)
struct LiveSmokeTests {
    private func shortConfiguration(_ balancers: [BalancerChoice]) throws -> LiveConfiguration {
        var configuration = LiveConfiguration()
        configuration.balancers = balancers
        configuration.workload = .exponential
        // About 30 requests/s: light enough for a debug or ThreadSanitizer build on a loaded machine.
        configuration.unit = 0.05
        configuration.traffic = .open(utilization: 0.3)
        configuration.warmup = 0.5
        configuration.duration = 2
        configuration.drain = 3
        configuration.maximumRequests = 2_000
        configuration.simulatedJobs = 20_000
        configuration.port = try LoopbackPort.free()
        return configuration
    }

    @Test("lbbench's proxy, least connections and round robin: every request answered, predictions attached")
    func ownProxy() async throws {
        let configuration = try shortConfiguration([.lbbench])
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["linear-scan", "round-robin"])
        for row in report.rows {
            #expect(row.errors == 0)
            #expect(row.unfinished == 0, "\(row.algorithm): sent \(row.sent), errors \(row.errors), backends \(row.backendRequests)")
            #expect(row.sent > 0 && row.sent <= configuration.maximumRequests)
            #expect((row.short?.count ?? 0) > 0)
            #expect(row.backendRequests.reduce(0, +) > 0)
            #expect(row.prediction != nil)
            // Exponential sizes: both kinds in the simulation, short below long.
            let short = try #require(row.prediction?.short)
            let long = try #require(row.prediction?.long)
            #expect(short.p99 < long.p99)
        }
        #expect(report.notes.isEmpty)
        #expect(!LoopbackPort.accepts(configuration.port!), "the proxy stopped listening")
        let document = try #require(JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "lbbench.live/1")
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count == 2 && rows.contains { ($0["prediction"] as? [String: Any])?["shortUnits"] is [String: Any] })
        #expect(report.csv().split(separator: "\n").count == 3)
        #expect(report.markdown().contains("| lbbench | round-robin |"))
        #expect(report.markdown().contains("sim short p99 ms"))
    }

    @Test(
        "HAProxy and nginx when installed: rows for each algorithm, stopped by PID afterwards",
        .enabled(if: PeerBalancer.haproxy.executable != nil && PeerBalancer.nginx.executable != nil)
    )
    func peers() async throws {
        let configuration = try shortConfiguration([.haproxy, .nginx])
        let report = try await LiveRunner.run(configuration)
        #expect(report.rows.map(\.algorithm) == ["leastconn", "roundrobin", "least_conn", "round-robin"])
        for row in report.rows {
            #expect(row.errors == 0)
            #expect((row.short?.count ?? 0) > 0)
        }
        #expect(ChildProcesses.shared.runningCount == 0)
        #expect(!LoopbackPort.accepts(configuration.port!))
    }
}

/// Every option's range, checked before any work starts.
@Suite("Live: configuration ranges")
struct LiveConfigurationTests {
    @Test("The defaults are valid")
    func defaults() throws {
        try LiveConfiguration().validate()
    }

    @Test("A utilisation of 1 or more, or 0, is refused naming --utilization", arguments: [1.0, 1.5, 0, -0.1, .nan])
    func utilization(value: Double) {
        var configuration = LiveConfiguration()
        configuration.traffic = .open(utilization: value)
        #expect(throws: LiveConfigurationError.self) { try configuration.validate() }
        do { try configuration.validate() } catch { #expect(error.option == "--utilization") }
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
}
