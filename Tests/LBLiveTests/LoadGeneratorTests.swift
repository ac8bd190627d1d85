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
}
