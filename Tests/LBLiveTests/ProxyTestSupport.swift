import Foundation
@testable import LBLive
import LoadBalancing
import NIOCore
import NIOPosix
import Testing

/// Runs `body` with a proxy over `backendPorts` and a counting selector, then checks every pick
/// was released once (and nothing twice, even a while later), and closes the proxy.
func withCountingProxy(
    backendPorts: [Int], group: any EventLoopGroup, _ body: (LiveProxy, CountingSelector) async throws -> Void
) async throws {
    let selector = CountingSelector(try SelectorKind.linearScan.makeSelector(weights: backendPorts.map { _ in 1 }))
    let proxy = try await LiveProxy.start(selector: selector, backendPorts: backendPorts, port: 0, group: group)
    try await body(proxy, selector)
    #expect(try await selector.waitUntilBalanced(), "every pick released: \(selector.counts)")
    try await Task.sleep(nanoseconds: 200_000_000)
    let (picks, releases) = selector.counts
    #expect(picks == releases)
    #expect(selector.activeConnections().allSatisfy { $0 == 0 })
    try await proxy.close()
}

/// A backend that answers every request (a head up to its blank line, no body) with scripted
/// bytes: `pieces` written and flushed 5 ms apart, so the proxy reads them separately, then
/// the connection closed if `closeAfter`. It counts the connections it accepted and keeps every
/// byte it received.
final class ScriptedBackend: Sendable {
    let channel: any Channel
    private let accepted: AcceptedConnections

    private init(channel: any Channel, accepted: AcceptedConnections) {
        self.channel = channel
        self.accepted = accepted
    }

    var port: Int { channel.localAddress!.port! }
    /// Connections accepted so far.
    var connections: Int { accepted.count }
    /// Every byte received so far, all connections together, in arrival order.
    var received: String { accepted.received }

    static func start(on group: any EventLoopGroup, pieces: [String], closeAfter: Bool = false) async throws -> ScriptedBackend {
        let accepted = AcceptedConnections()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    accepted.increment()
                    try channel.pipeline.syncOperations.addHandler(Responder(pieces: pieces, closeAfter: closeAfter, log: accepted))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedBackend(channel: channel, accepted: accepted)
    }

    private final class AcceptedConnections: @unchecked Sendable {
        // @unchecked: `value` and `bytes` are touched only under `lock`.
        private let lock = NSLock()
        private var value = 0
        private var bytes = ""
        var count: Int { lock.withLock { value } }
        var received: String { lock.withLock { bytes } }
        func increment() { lock.withLock { value += 1 } }
        func record(_ more: String) { lock.withLock { bytes += more } }
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let pieces: [String]
        private let closeAfter: Bool
        private let log: AcceptedConnections
        private var received = ""

        init(pieces: [String], closeAfter: Bool, log: AcceptedConnections) {
            self.pieces = pieces
            self.closeAfter = closeAfter
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = String(buffer: unwrapInboundIn(data))
            log.record(bytes)
            received += bytes
            while let end = received.range(of: "\r\n\r\n") {
                received.removeSubrange(..<end.upperBound)
                for (index, piece) in pieces.enumerated() {
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(5 * index))) {
                        context.writeAndFlush(NIOAny(ByteBuffer(string: piece)), promise: nil)
                    }
                }
                if closeAfter {
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(5 * pieces.count))) {
                        context.close(promise: nil)
                    }
                }
            }
        }
    }
}

extension RawClient {
    /// What arrives until the peer closes or 5 s pass.
    func receiveUntilClosed() -> String {
        receive { _ in false }
    }

    /// What arrives until it is `length` bytes long (or longer), the peer closes, or 5 s pass.
    func receive(length: Int) -> String {
        receive { $0.count >= length }
    }

    private func receive(until done: ([UInt8]) -> Bool) -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !done(received) {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the peer has closed: a read returns end of file (within 5 s).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return Glibc.read(descriptor, &byte, 1) == 0
    }
}
