@testable import LBLive
import LoadBalancing
import NIOCore
import NIOPosix
import Testing

/// lbbench's proxy releases every picked server exactly once: on the response's end, on an
/// upstream reset or refusal, and when the client goes away mid-request.
@Suite("Proxy: release exactly once", .serialized)
struct ReleaseExactlyOnceTests {
    /// Runs `body` with a proxy over `backendPorts` and a counting selector, then checks every
    /// pick was released once, and shuts everything down.
    private func withProxy(
        backendPorts: [Int], group: any EventLoopGroup, _ body: (LiveProxy, CountingSelector) async throws -> Void
    ) async throws {
        let selector = CountingSelector(try SelectorKind.linearScan.makeSelector(weights: backendPorts.map { _ in 1 }))
        let proxy = try await LiveProxy.start(selector: selector, backendPorts: backendPorts, port: 0, group: group)
        try await body(proxy, selector)
        #expect(try await selector.waitUntilBalanced(), "every pick released: \(selector.counts)")
        // Nothing is released twice, even a while later.
        try await Task.sleep(nanoseconds: 200_000_000)
        let (picks, releases) = selector.counts
        #expect(picks == releases)
        #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        try await proxy.close()
    }

    @Test("A normal response releases once, and keep-alive reuses the upstream connection")
    func normalResponse() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let backend = try await LiveBackend.start(index: 0, speed: 1, capacity: .processorSharing, on: group.next())
        try await withProxy(backendPorts: [backend.port], group: group) { proxy, selector in
            let client = try RawClient(port: proxy.port)
            for _ in 0..<3 {
                client.send(workNanoseconds: 1_000_000)
                #expect(client.readHead().hasPrefix("HTTP/1.1 200"))
            }
            client.close()
            #expect(try await selector.waitUntilBalanced())
            #expect(selector.counts.picks == [3])
        }
        let counters = try await backend.counters()
        #expect(counters.requests == 3)
        #expect(counters.connections == 1)
        try await backend.close()
        try await group.shutdownGracefully()
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
