import LoadBalancing
import NIOCore
import NIOHTTP1
import NIOPosix

/// The proxy's idle keep-alive connections to each backend, one pool per event loop, so a
/// request's downstream and upstream connections share a thread and never need a lock.
///
/// - Complexity: `takeIdle` O(1) amortised (closed idle connections are dropped); `giveBack` O(1).
/// - Note: Not thread-safe: used only on `eventLoop`.
final class UpstreamPool {
    let eventLoop: any EventLoop
    private let ports: [Int]
    private var idle: [[UpstreamConnection]]

    init(eventLoop: any EventLoop, ports: [Int]) {
        self.eventLoop = eventLoop
        self.ports = ports
        self.idle = Array(repeating: [], count: ports.count)
    }

    /// An idle open connection to `server`, if there is one (closed ones are dropped).
    func takeIdle(_ server: ServerID) -> UpstreamConnection? {
        while let connection = idle[server.index].popLast() {
            if connection.isActive { return connection }
        }
        return nil
    }

    /// A new connection to `server`.
    func connect(_ server: ServerID) -> EventLoopFuture<UpstreamConnection> {
        UpstreamConnection.connect(port: ports[server.index], server: server, on: eventLoop)
    }

    /// Keeps `connection` for the next request to its server.
    func giveBack(_ connection: UpstreamConnection) {
        if connection.isActive { idle[connection.server.index].append(connection) }
    }

    /// Closes every idle connection.
    func closeAll() {
        for connections in idle { for connection in connections { connection.close() } }
        idle = Array(repeating: [], count: ports.count)
    }
}

/// One HTTP/1.1 connection from the proxy to a backend; while it carries a request, the
/// response's parts go to `receiver`.
///
/// - Note: Not thread-safe: used only on its channel's event loop.
final class UpstreamConnection {
    let server: ServerID
    private let channel: any Channel
    private let handler: UpstreamResponseHandler

    private init(server: ServerID, channel: any Channel, handler: UpstreamResponseHandler) {
        self.server = server
        self.channel = channel
        self.handler = handler
    }

    static func connect(port: Int, server: ServerID, on eventLoop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
        LoopbackHTTPClient.connect(port: port, on: eventLoop, handler: UpstreamResponseHandler.init)
            .map { channel, handler in UpstreamConnection(server: server, channel: channel, handler: handler) }
    }

    var isActive: Bool { channel.isActive }

    /// Where response parts and a premature close go; `nil` while idle.
    var receiver: (any UpstreamReceiver)? {
        get { handler.receiver }
        set { handler.receiver = newValue }
    }

    func write(_ part: HTTPClientRequestPart, flush: Bool) {
        if flush { channel.writeAndFlush(part, promise: nil) } else { channel.write(part, promise: nil) }
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// What receives an upstream connection's response.
protocol UpstreamReceiver: AnyObject {
    func upstreamRead(_ part: HTTPClientResponsePart)
    /// The connection closed or failed before the response's end.
    func upstreamClosed()
}

/// Hands an upstream connection's response parts to its current receiver.
final class UpstreamResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var receiver: (any UpstreamReceiver)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver?.upstreamRead(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let receiver = receiver
        self.receiver = nil
        receiver?.upstreamClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
