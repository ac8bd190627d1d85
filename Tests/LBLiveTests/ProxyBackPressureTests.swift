import Foundation
@testable import LBLive
import NIOCore
import NIOPosix
import Testing

/// lbbench's proxy keeps no more than socket buffers and a high water mark of a transfer whose
/// reader is slower than its writer, in either direction: 256 MiB offered, a reader that never
/// reads, and what the writer got rid of must stay far below it (without back-pressure the
/// proxy reads it all into memory).
@Suite("Proxy: back-pressure", .serialized)
struct ProxyBackPressureTests {
    /// What the writer offers.
    static let total = 256 << 20
    /// The most the writer may get rid of: loopback socket buffers (at most 4 MiB to send and
    /// 6 MiB to receive per socket here, by `net.ipv4.tcp_wmem` and `tcp_rmem`) on the two
    /// connections, and the proxy's high water marks, are far below.
    static let bound = 64 << 20

    /// Polls `progress` every 50 ms until it stops growing for half a second (or 10 s pass),
    /// and returns its last value.
    private func settled(_ progress: () -> Int) async throws -> Int {
        var last = progress()
        var still = 0
        for _ in 0..<200 {
            try await Task.sleep(nanoseconds: 50_000_000)
            let now = progress()
            still = now == last ? still + 1 : 0
            last = now
            if still >= 10 || now >= Self.total { break }
        }
        return last
    }

    @Test("a client that does not read a large response: the proxy stops reading it from the backend")
    func slowClient() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let written = ByteCount()
        let backend = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Flooder(total: Self.total, written: written))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        try await withCountingProxy(backendPorts: [backend.localAddress!.port!], group: group) { proxy, _ in
            let client = try RawClient(port: proxy.port)
            client.send(raw: "GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
            let sent = try await settled { written.value }
            #expect(sent > 0 && sent < Self.bound, "the backend wrote \(sent) of \(Self.total) bytes to a client that reads none")
            client.close()
        }
        try await backend.close()
        try await group.shutdownGracefully()
    }

    @Test("a backend that does not read a large request body: the proxy stops reading it from the client")
    func slowBackend() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Accepts connections and never reads from them; keeps them to close at the end.
        let backendConnections = AcceptedChannels()
        let backend = try await ServerBootstrap(group: group)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { channel in
                backendConnections.add(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        try await withCountingProxy(backendPorts: [backend.localAddress!.port!], group: group) { proxy, _ in
            let client = try RawClient(port: proxy.port)
            client.send(raw: "POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: \(Self.total)\r\n\r\n")
            let accepted = ByteCount()
            let writer = Thread {
                let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
                let deadline = Date().addingTimeInterval(10)
                while accepted.value < Self.total && Date() < deadline && !accepted.stopped {
                    let count = chunk.withUnsafeBytes { send(client.descriptor, $0.baseAddress, min($0.count, Self.total - accepted.value), Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
                    if count > 0 { accepted.add(count) } else { usleep(1_000) }
                }
            }
            writer.start()
            let sent = try await settled { accepted.value }
            accepted.stop()
            #expect(sent > 0 && sent < Self.bound, "the client got rid of \(sent) of \(Self.total) bytes to a backend that reads none")
            try await Task.sleep(nanoseconds: 20_000_000)
            client.close()
            // With the client's reads held, its close waits behind the unread body; the backend
            // giving up on the upload (as a server's timeout would) ends the exchange and
            // releases the pick.
            for channel in backendConnections.all { try await channel.close() }
        }
        try await backend.close()
        try await group.shutdownGracefully()
    }

    /// The backend's accepted connections, recorded on its event loop, closed by the test.
    final class AcceptedChannels: @unchecked Sendable {
        // @unchecked: `channels` only under `lock`.
        private let lock = NSLock()
        private var channels: [any Channel] = []
        var all: [any Channel] { lock.withLock { channels } }
        func add(_ channel: any Channel) { lock.withLock { channels.append(channel) } }
    }

    /// Bytes a writer got into its socket, counted on its thread and read from the test's.
    final class ByteCount: @unchecked Sendable {
        // @unchecked: both fields only under `lock`.
        private let lock = NSLock()
        private var bytes = 0
        private var done = false
        var value: Int { lock.withLock { bytes } }
        var stopped: Bool { lock.withLock { done } }
        func add(_ more: Int) { lock.withLock { bytes += more } }
        func stop() { lock.withLock { done = true } }
    }

    /// Answers the first read with a response of `total` bytes, written a MiB at a time while
    /// its channel is writable, counting what reached the socket.
    final class Flooder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let total: Int
        private let written: ByteCount
        private var queued = 0
        private var started = false

        init(total: Int, written: ByteCount) {
            self.total = total
            self.written = written
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !started else { return }
            started = true
            var head = context.channel.allocator.buffer(capacity: 64)
            head.writeString("HTTP/1.1 200 OK\r\ncontent-length: \(total)\r\n\r\n")
            context.write(wrapOutboundOut(head), promise: nil)
            pump(context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { pump(context) }
            context.fireChannelWritabilityChanged()
        }

        private func pump(_ context: ChannelHandlerContext) {
            while started && queued < total && context.channel.isWritable {
                let size = min(1 << 20, total - queued)
                queued += size
                let written = written
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: size)))
                    .whenSuccess { written.add(size) }
            }
        }
    }
}
