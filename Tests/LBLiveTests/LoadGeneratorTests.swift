@testable import LBLive
import NIOCore
import NIOPosix
import Testing

/// The load generator at its connection cap: a wait for a connection is seen, and a failed
/// connect leaves no request stranded.
@Suite("Load generator: waiting for connections", .serialized)
struct LoadGeneratorTests {
    /// A generator for `ports` with at most `connections` connections per port; 50 ms of work
    /// per unit, no warm-up, a 1 s window, 5 s to drain.
    private func generator(ports: [Int], connections: Int) -> LoadGenerator {
        LoadGenerator(ports: ports, unit: 0.05, warmup: 0, duration: 1, drain: 5, maximumConnections: connections)
    }

    @Test("a request that waits for a connection at the cap is written late, and its lateness is recorded")
    func waitAtTheCapIsLate() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        // Two arrivals at once, one connection: the second waits for the first's 50 ms.
        let arrivals = [Arrival(time: 0.01, size: 1), Arrival(time: 0.01, size: 1)]
        let outcomes = try await generator(ports: [backend.port], connections: 1).run(arrivals: arrivals, on: group.next())
        try await backend.close()
        try await group.shutdownGracefully()
        let outcome = try #require(outcomes.first)
        #expect(outcome.samples.count == 2 && outcome.errors == 0 && outcome.unfinished == 0)
        #expect(outcome.connectionsOpened == 1)
        #expect(outcome.maximumLag >= 0.04, "worst lateness \(outcome.maximumLag) s; the wait was about 0.05 s")
        #expect(outcome.meanLag >= 0.02, "mean lateness \(outcome.meanLag) s over 2 writes")
    }

    @Test("a failed connect hands its slot to a request waiting for a connection: every request fails, none is stranded")
    func failedConnectServesTheQueue() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let refusing = try LoopbackPort.free()  // nothing listens there
        let arrivals = (0..<3).map { _ in Arrival(time: 0.01, size: 1) }
        let outcomes = try await generator(ports: [refusing], connections: 1).run(arrivals: arrivals, on: group.next())
        try await group.shutdownGracefully()
        let outcome = try #require(outcomes.first)
        #expect(outcome.errors == 3 && outcome.unfinished == 0, "errors \(outcome.errors), unfinished \(outcome.unfinished)")
        // One connect each: a request left waiting would be counted unfinished at the drain.
        #expect(outcome.connectionsOpened == 3)
    }

    /// Mutants that measured a request's place in the window from the run's start (so the
    /// warm-up shifted every segment) and kept only the last write's lateness as the worst
    /// survived the suite: its generator runs had no warm-up, and their late write came last.
    @Test("the window starts after the warm-up: what is measured, where in the window, and the worst lateness of any write")
    func windowAndWorstLateness() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        // 0.2 s of warm-up, a 0.5 s window: due at 0.1 (warm-up), 0.3 and 0.3 (one connection, so
        // the second waits about 50 ms for the first), 0.6 (on time), 0.8 (after the window).
        let arrivals = [0.1, 0.3, 0.3, 0.6, 0.8].map { Arrival(time: $0, size: 1) }
        let run = LoadGenerator(ports: [backend.port], unit: 0.05, warmup: 0.2, duration: 0.5, drain: 5, maximumConnections: 1)
        let outcomes = try await run.run(arrivals: arrivals, on: group.next())
        try await backend.close()
        try await group.shutdownGracefully()
        let outcome = try #require(outcomes.first)
        #expect(outcome.sent == 5 && outcome.errors == 0 && outcome.unfinished == 0)
        let windowTimes = outcome.samples.map(\.windowTime).sorted()
        #expect(windowTimes.count == 3, "the three requests due inside the window: \(windowTimes)")
        #expect(zip(windowTimes, [0.1, 0.1, 0.4]).allSatisfy { abs($0 - $1) < 1e-9 }, "due time minus the window's start: \(windowTimes)")
        #expect(outcome.maximumLag >= 0.04, "worst lateness \(outcome.maximumLag) s; the wait was about 0.05 s, before two timely writes")
    }

    /// A mutant that retried at once after a failed request survived the suite: a closed-loop
    /// client facing a refused port then spins, sending thousands of failures a second.
    @Test("a closed-loop client waits the back-off after a failure, even with no think time")
    func closedLoopBacksOff() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let refusing = try LoopbackPort.free()  // nothing listens there
        let run = LoadGenerator(ports: [refusing], unit: 0.05, warmup: 0, duration: 0.2, drain: 1, maximumConnections: 4)
        let outcomes = try await run.run(
            population: 1, thinkTime: 0, sizes: .constant(seconds: 1), seed: 1, on: group.next())
        try await group.shutdownGracefully()
        let outcome = try #require(outcomes.first)
        // Each cycle lasts at least the back-off, so at most 0.2 s ÷ 10 ms + 1 cycles start in the window.
        let bound = Int(0.2 / LoadGenerator.failureBackoff) + 1
        #expect(outcome.errors >= 1 && outcome.errors <= bound, "\(outcome.errors) failures in 0.2 s; at most \(bound) with the back-off")
        #expect(outcome.samples.isEmpty && outcome.unfinished == 0)
    }
}
