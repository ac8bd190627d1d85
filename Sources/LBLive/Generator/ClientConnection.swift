import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 client connection of the load generator: one request at a time.
///
/// - Note: Not thread-safe: used only on its channel's event loop.
final class ClientConnection {
    private let channel: any Channel
    private let handler: ClientResponseHandler

    private init(channel: any Channel, handler: ClientResponseHandler) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects to 127.0.0.1:`port` on `eventLoop`.
    static func connect(port: Int, on eventLoop: any EventLoop) -> EventLoopFuture<ClientConnection> {
        LoopbackHTTPClient.connect(port: port, on: eventLoop, handler: ClientResponseHandler.init)
            .map { channel, handler in ClientConnection(channel: channel, handler: handler) }
    }

    /// Sends a GET carrying `work` nanoseconds of work; `completion` gets whether the connection
    /// may carry another request (`true`), must be closed (`false`), or `nil` when the request
    /// failed (connection broken, or a status other than 200).
    func request(work: Int, completion: @escaping (Bool?) -> Void) {
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "127.0.0.1")
        headers.add(name: LiveBackend.workHeader, value: String(work))
        handler.completion = completion
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: headers)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    var isActive: Bool { channel.isActive }

    func close() {
        channel.close(promise: nil)
    }
}

/// Turns one response into its completion call; a connection that breaks first fails it.
final class ClientResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var completion: ((Bool?) -> Void)?
    private var succeeded = false
    private var keepAlive = true

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            succeeded = head.status == .ok
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let completion = completion
            self.completion = nil
            completion?(succeeded ? keepAlive : nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let completion = completion
        self.completion = nil
        completion?(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Opens HTTP/1.1 client connections on 127.0.0.1: the load generator's and the proxy's
/// upstream ones.
enum LoopbackHTTPClient {
    /// Connects to 127.0.0.1:`port` on `eventLoop` (TCP_NODELAY, 5 s connect timeout) with the
    /// HTTP client codec and a handler from `makeHandler` at the end of the pipeline.
    static func connect<Handler: ChannelInboundHandler & SendableMetatype>(
        port: Int, on eventLoop: any EventLoop, handler makeHandler: @escaping @Sendable () -> Handler
    ) -> EventLoopFuture<(any Channel, Handler)> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Requests are the generator's fixed headers or the proxy's client's, already
                    // parsed and so valid: no second check of every byte.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMapThrowing { channel in (channel, try channel.pipeline.syncOperations.handler(type: Handler.self)) }
    }
}
