import LoadBalancing
import NIOCore
import NIOHTTP1

/// One client connection of lbbench's proxy: for each request, picks a server on the request
/// head, forwards the request over a pooled keep-alive connection to it, streams the response
/// back, and releases the server exactly once — on the response's end, or on the first error
/// or close of either side.
///
/// Requests are decoded (the head decides the pick) and encoded again for the backend; the
/// response is not: `UpstreamResponseForwarder` frames the backend's bytes and they are written
/// to the client as they arrive, so this channel has no response encoder and writes `ByteBuffer`s.
///
/// It serves one request at a time by itself, without NIO's `HTTPServerPipelineHandler`: that
/// handler holds every `read` while a response is due, which costs two `epoll_ctl` calls per
/// request (reading off, then on again). Here reads stop only when a client pipelines: parts of
/// a request that arrive while another is being answered wait in `pipelined`, and reading
/// resumes once they have all been taken up. A malformed request gets 400 and the connection
/// closes (as `HTTPServerProtocolErrorHandler` would do).
///
/// - Complexity: O(1) per request part; `pipelined` holds at most what one read brings in.
/// - Note: Not thread-safe: runs on its channel's event loop, as does its pool.
final class ProxyHandler: ChannelDuplexHandler, UpstreamReceiver {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let selector: any ServerSelector
    private let pool: UpstreamPool
    private var context: ChannelHandlerContext?
    /// The current request's server, until released.
    private var picked: PickedServer?
    private var upstream: UpstreamConnection?
    /// Request parts read before the upstream connection was ready.
    private var buffered: [HTTPClientRequestPart] = []
    private var requestKeepAlive = true
    private var requestIsHEAD = false
    /// Whether some of the response has been written to the client (too late for a 502).
    private var responseStarted = false
    /// From a request's head until its response's end: the exchange in progress.
    private var exchanging = false
    /// Whether the current request's end has been read (later parts belong to the next one).
    private var requestComplete = false
    /// Parts of pipelined requests, read while an earlier one was still being answered.
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    /// A `read` held back while `pipelined` is not empty.
    private var readHeld = false

    init(selector: any ServerSelector, pool: UpstreamPool) {
        self.selector = selector
        self.pool = pool
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandonRequest()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if (exchanging && requestComplete) || !pipelined.isEmpty {
            pipelined.append(part)
        } else {
            handle(part)
        }
    }

    /// Holds reading back while pipelined requests wait; otherwise reads on.
    func read(context: ChannelHandlerContext) {
        if pipelined.isEmpty { context.read() } else { readHeld = true }
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandonRequest()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let responding = responseStarted && exchanging
        abandonRequest()
        pipelined.removeAll()
        if error is HTTPParserError && !responding {
            respondWithError(.badRequest)
        } else {
            context.close(promise: nil)
        }
    }

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case let .head(head):
            startRequest(head)
        case let .body(body):
            forward(.body(.byteBuffer(body)), flush: false)
        case let .end(trailers):
            requestComplete = true
            forward(.end(trailers), flush: true)
        }
    }

    /// The response has ended: takes up pipelined requests, then lets reading go on.
    private func finishExchange() {
        exchanging = false
        while !(exchanging && requestComplete), let part = pipelined.popFirst() {
            handle(part)
        }
        if pipelined.isEmpty && readHeld {
            readHeld = false
            context?.read()
        }
    }

    // MARK: Request

    private func startRequest(_ head: HTTPRequestHead) {
        requestKeepAlive = head.isKeepAlive
        requestIsHEAD = head.method == .HEAD
        responseStarted = false
        exchanging = true
        requestComplete = false
        guard let server = selector.pick() else {
            respondWithError(.serviceUnavailable)
            return
        }
        let picked = PickedServer(server, of: selector)
        self.picked = picked
        var upstreamHead = head
        // Set only when it differs: the head's storage is shared, so setting it copies.
        if upstreamHead.version != .http1_1 { upstreamHead.version = .http1_1 }
        // Copy the headers only when there is something to drop (the common request has none).
        if upstreamHead.headers.contains(name: "connection") { upstreamHead.headers.remove(name: "connection") }
        if let connection = pool.takeIdle(server) {
            // The common case: no buffering, the head goes out with the request's end.
            attach(connection)
            connection.write(.head(upstreamHead), flush: false)
            return
        }
        buffered = [.head(upstreamHead)]
        pool.connect(server).assumeIsolated().whenComplete { [self] result in
            switch result {
            case let .success(connection):
                guard self.picked === picked, !picked.isReleased else {
                    // The client went away while connecting: keep the connection for others.
                    pool.giveBack(connection)
                    return
                }
                attach(connection)
            case .failure:
                guard self.picked === picked else { return }
                picked.release()
                self.picked = nil
                buffered = []
                respondWithError(.badGateway)
            }
        }
    }

    /// Sends the current request over `connection` and routes its response here.
    private func attach(_ connection: UpstreamConnection) {
        upstream = connection
        connection.expectResponse(for: self, requestIsHEAD: requestIsHEAD, clientKeepAlive: requestKeepAlive)
        guard !buffered.isEmpty else { return }
        let parts = buffered
        buffered = []
        // Flushed with the request's end, whether it is among these parts or arrives later.
        for part in parts {
            if case .end = part { connection.write(part, flush: true) } else { connection.write(part, flush: false) }
        }
    }

    private func forward(_ part: HTTPClientRequestPart, flush: Bool) {
        if let upstream {
            upstream.write(part, flush: flush)
        } else if picked != nil {
            buffered.append(part)
        }
    }

    // MARK: Response

    func upstreamBytes(_ bytes: ByteBuffer) {
        responseStarted = true
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func upstreamFlush() {
        context?.flush()
    }

    func upstreamResponseEnded(upstreamReusable: Bool, clientMayContinue: Bool) {
        picked?.release()
        picked = nil
        if let upstream {
            if upstreamReusable { pool.giveBack(upstream) } else { upstream.close() }
            self.upstream = nil
        }
        guard let context else { return }
        if requestKeepAlive && clientMayContinue {
            context.flush()
            finishExchange()
        } else {
            // Closed once everything before this empty write has gone out.
            context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func upstreamFailed() {
        picked?.release()
        picked = nil
        upstream = nil
        if responseStarted {
            context?.close(promise: nil)
        } else {
            respondWithError(.badGateway)
        }
    }

    /// The client went away or the channel failed: release the server and drop the upstream
    /// connection, which may still be mid-response and cannot be reused.
    private func abandonRequest() {
        picked?.release()
        picked = nil
        buffered = []
        if let upstream {
            upstream.detach()
            upstream.close()
            self.upstream = nil
        }
    }

    private func respondWithError(_ status: HTTPResponseStatus) {
        guard let context, context.channel.isActive else { return }
        var response = context.channel.allocator.buffer(capacity: 96)
        response.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        response.writeStaticString("content-length: 0\r\nconnection: close\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(response)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
