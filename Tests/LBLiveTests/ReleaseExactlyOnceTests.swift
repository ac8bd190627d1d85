@testable import LBLive
import LoadBalancing
import NIOCore
import NIOPosix
import Testing

/// lbbench's proxy releases every picked server exactly once: on the response's end, on an
/// upstream reset or refusal, and when the client goes away mid-request.
@Suite("Proxy: release exactly once", .serialized)
struct ReleaseExactlyOnceTests {
    private func withProxy(
        backendPorts: [Int], group: any EventLoopGroup, _ body: (LiveProxy, CountingSelector) async throws -> Void
    ) async throws {
        try await withCountingProxy(backendPorts: backendPorts, group: group, body)
    }

    /// `withProxy` in front of one PS backend, closed afterwards; returns the backend's counters.
    private func withOneBackend(_ body: (LiveProxy, CountingSelector) async throws -> Void) async throws -> BackendCounters {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        try await withProxy(backendPorts: [backend.port], group: group, body)
        let counters = try await backend.counters()
        try await backend.close()
        try await group.shutdownGracefully()
        return counters
    }

    @Test("A normal response releases once, and keep-alive reuses the upstream connection")
    func normalResponse() async throws {
        let counters = try await withOneBackend { proxy, selector in
            let client = try RawClient(port: proxy.port)
            for _ in 0..<3 {
                client.send(workNanoseconds: 1_000_000)
                #expect(client.readHead().hasPrefix("HTTP/1.1 200"))
            }
            client.close()
            #expect(try await selector.waitUntilBalanced())
            #expect(selector.counts.picks == [3])
        }
        #expect(counters.requests == 3)
        #expect(counters.connections == 1)
    }

    @Test("Pipelined requests are answered in order, one at a time, each released once")
    func pipelinedRequests() async throws {
        let counters = try await withOneBackend { proxy, selector in
            let client = try RawClient(port: proxy.port)
            // Three requests in one write; the first needs 20 ms, so the others wait in the proxy.
            client.send(raw: [20_000_000, 0, 1_000_000].map(RawClient.request).joined())
            let heads = client.readHeads(3)
            #expect(heads.components(separatedBy: "HTTP/1.1 200").count == 4, "\(heads)")
            client.close()
            #expect(try await selector.waitUntilBalanced())
            #expect(selector.counts.picks == [3])
        }
        #expect(counters.requests == 3)
        // One at a time: the backend never held two of them together.
        #expect(counters.maximumInFlight == 1)
        #expect(counters.connections == 1)
    }

    @Test("A malformed request gets 400 and the connection closes; nothing is picked")
    func malformedRequest() async throws {
        let counters = try await withOneBackend { proxy, selector in
            let client = try RawClient(port: proxy.port)
            client.send(raw: "NOT HTTP AT ALL\r\n\r\n")
            #expect(client.readHead().hasPrefix("HTTP/1.1 400"))
            client.close()
            #expect(selector.counts.picks == [0])
        }
        #expect(counters.requests == 0)
    }

    @Test("An upstream that resets the connection: released once, the client gets 502")
    func upstreamReset() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let resetting = try await ResettingBackend.start(on: group)
        try await withProxy(backendPorts: [resetting.localAddress!.port!], group: group) { proxy, selector in
            for _ in 0..<5 {
                let client = try RawClient(port: proxy.port)
                client.send(workNanoseconds: 0)
                #expect(client.readHead().hasPrefix("HTTP/1.1 502"))
                client.close()
            }
            #expect(try await selector.waitUntilBalanced())
            #expect(selector.counts.picks == [5])
        }
        try await resetting.close()
        try await group.shutdownGracefully()
    }

    @Test("An upstream that refuses the connection: released once, the client gets 502")
    func upstreamRefused() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let closedPort = try LoopbackPort.free()
        try await withProxy(backendPorts: [closedPort], group: group) { proxy, selector in
            let client = try RawClient(port: proxy.port)
            client.send(workNanoseconds: 0)
            #expect(client.readHead().hasPrefix("HTTP/1.1 502"))
            client.close()
            #expect(selector.counts.picks == [1])
        }
        try await group.shutdownGracefully()
    }

    @Test("A client that disconnects mid-request: released once, and the backend cancels the work")
    func clientDisconnects() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        try await withProxy(backendPorts: [backend.port], group: group) { proxy, selector in
            for _ in 0..<4 {
                let client = try RawClient(port: proxy.port)
                client.send(workNanoseconds: 30_000_000_000)  // 30 s of work: never completes here.
                try await Task.sleep(nanoseconds: 50_000_000)
                client.close()
            }
            #expect(try await selector.waitUntilBalanced())
            #expect(selector.counts.picks == [4])
        }
        // The proxy closed the upstream connections, so the backend dropped the work.
        var inFlight = try await backend.counters().inFlight
        for _ in 0..<250 where inFlight > 0 {
            try await Task.sleep(nanoseconds: 20_000_000)
            inFlight = try await backend.counters().inFlight
        }
        #expect(inFlight == 0)
        try await backend.close()
        try await group.shutdownGracefully()
    }
}
