import LoadBalancing
import NIOCore
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

/// One HTTP/1.1 connection from the proxy to a backend: requests go out as the bytes the proxy
/// framed; responses come back as raw bytes, framed by `UpstreamResponseForwarder`, for the
/// current receiver to forward as they are.
///
/// - Note: Not thread-safe: used only on its channel's event loop.
final class UpstreamConnection {
    let server: ServerID
    private let channel: any Channel
    private let forwarder: UpstreamResponseForwarder

    private init(server: ServerID, channel: any Channel, forwarder: UpstreamResponseForwarder) {
        self.server = server
        self.channel = channel
        self.forwarder = forwarder
    }

    /// Connects to 127.0.0.1:`port` on `eventLoop` (TCP_NODELAY, 5 s connect timeout).
    static func connect(port: Int, server: ServerID, on eventLoop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No HTTP codec: requests are bytes the proxy already framed, and the
                    // forwarder frames the responses.
                    try channel.pipeline.syncOperations.addHandler(UpstreamResponseForwarder())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMapThrowing { channel in
                let forwarder = try channel.pipeline.syncOperations.handler(type: UpstreamResponseForwarder.self)
                return UpstreamConnection(server: server, channel: channel, forwarder: forwarder)
            }
    }

    var isActive: Bool { channel.isActive }

    /// Routes the response to the request about to be written to `receiver`, until it ends.
    /// `requestIsHEAD`: the response has no body; `clientKeepAlive`: false when the client asked
    /// to close, so its response head says `connection: close`; `clientIsHTTP11`: false for an
    /// HTTP/1.0 client, whose kept-alive response says `connection: keep-alive` and which gets
    /// no interim response.
    func expectResponse(for receiver: any UpstreamReceiver, requestIsHEAD: Bool, clientKeepAlive: Bool, clientIsHTTP11: Bool) {
        forwarder.expectResponse(
            for: receiver, requestIsHEAD: requestIsHEAD, clientKeepAlive: clientKeepAlive, clientIsHTTP11: clientIsHTTP11)
    }

    /// Stops routing the response anywhere (the connection is about to be closed).
    func detach() {
        forwarder.detach()
    }

    /// Whether the connection takes request bytes without piling them up: its outbound
    /// buffer is below its high water mark.
    var isWritable: Bool { channel.isWritable }

    /// Holds reading the response until `resumeReading()`: the client is not taking it fast
    /// enough (see `UpstreamResponseForwarder`). A new `expectResponse` resumes it.
    func pauseReading() {
        forwarder.pauseReading()
    }

    /// Lets reading the response go on after `pauseReading()`.
    func resumeReading() {
        forwarder.resumeReading()
    }

    /// Writes request bytes, to go out at the next `flush()`.
    func write(_ bytes: ByteBuffer) {
        channel.write(bytes, promise: nil)
    }

    func flush() {
        channel.flush()
    }

    func close() {
        channel.close(promise: nil)
    }
}
