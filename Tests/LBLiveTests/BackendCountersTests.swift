@testable import LBLive
import NIOCore
import NIOPosix
import Testing

/// A backend's counters as a live run reads them at its window's two ends.
@Suite("Backend counters: the measurement window", .serialized)
struct BackendCountersTests {
    /// The maximum was reset before the warm-up, so a burst during the warm-up was reported as
    /// the window's maximum.
    @Test("The reading that starts the window starts the maximum in flight again")
    func maximumStartsWithTheWindow() async throws {
        try await withBackend(clients: 3) { backend, clients in
            // The "warm-up": three requests in flight at once.
            for client in clients { client.send(workNanoseconds: 30_000_000) }
            for client in clients { #expect(client.readHead().hasPrefix("HTTP/1.1 200")) }
            let start = try await backend.counters(startingWindow: true)
            #expect(start.maximumInFlight == 3, "the reading itself still reports what came before it")
            // The "window": one request at a time.
            for _ in 0..<2 {
                clients[0].send(workNanoseconds: 1_000_000)
                #expect(clients[0].readHead().hasPrefix("HTTP/1.1 200"))
            }
            let end = try await backend.counters()
            #expect(end.maximumInFlight == 1)
            #expect(end.requests - start.requests == 2)
        }
    }

    /// A mutant that started the window's maximum at 0 survived the test above, where the
    /// requests in flight at the window's start were already answered.
    @Test("Requests in flight when the window starts count towards its maximum, though they end in it")
    func maximumCountsRequestsCarriedIntoTheWindow() async throws {
        try await withBackend(clients: 2) { backend, clients in
            // Two requests of 1 s of work share the backend: both are answered 2 s after they arrive.
            for client in clients { client.send(workNanoseconds: 1_000_000_000) }
            var start = try await backend.counters()
            for _ in 0..<500 where start.inFlight < 2 {
                try await Task.sleep(nanoseconds: 2_000_000)
                start = try await backend.counters()
            }
            start = try await backend.counters(startingWindow: true)
            try #require(start.inFlight == 2, "both requests must still be in flight when the window starts")
            // The window: no arrival, the two requests complete (the counts recorded then are 1 and 0).
            for client in clients { #expect(client.readHead().hasPrefix("HTTP/1.1 200")) }
            let end = try await backend.counters()
            #expect(end.inFlight == 0)
            #expect(end.maximumInFlight == 2)
        }
    }

    /// Runs `body` with a processor-sharing backend of speed 1 on loopback and `count` raw
    /// clients connected to it, then closes them all.
    private func withBackend(clients count: Int, _ body: (LiveBackend, [RawClient]) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        let clients = try (0..<count).map { _ in try RawClient(port: backend.port) }
        try await body(backend, clients)
        for client in clients { client.close() }
        try await backend.close()
        try await group.shutdownGracefully()
    }
}
