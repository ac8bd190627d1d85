import LoadBalancing
import NIOCore
import NIOHTTP1

/// One client connection of lbbench's proxy: for each request, picks a server on the request
/// head, forwards the request over a pooled keep-alive connection to it, streams the response
/// back, and releases the server exactly once — on the response's end, or on the first error
/// or close of either side.
///
/// Neither direction is decoded into HTTP parts and encoded again: an `HTTPFramer` finds where
/// each request's head and body end in the client's bytes, the head decides the pick, and the
/// bytes go to the backend as they came (a head is copied only to drop `Connection` lines or to
/// make `HTTP/1.0` `HTTP/1.1`); `UpstreamResponseForwarder` does the same for the response.
///
/// It serves one request at a time by itself, without NIO's `HTTPServerPipelineHandler`: that
/// handler holds every `read` while a response is due, which costs two `epoll_ctl` calls per
/// request (reading off, then on again). Here reads stop only when a client pipelines: bytes of
/// a request that arrive while another is being answered wait in `pipelined`, and reading
/// resumes once they have been taken up. A malformed request gets 400 and the connection closes
/// (as `HTTPServerProtocolErrorHandler` would do).
///
/// - Complexity: O(n) in the bytes read; `pipelined` holds at most what one read cycle brings in
///   (reading stops while it is not empty).
/// - Note: Not thread-safe: runs on its channel's event loop, as does its pool.
final class ProxyHandler: ChannelDuplexHandler, UpstreamReceiver {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let selector: any ServerSelector
    private let pool: UpstreamPool
    private var context: ChannelHandlerContext?
    private var framer = HTTPFramer(role: .request)
    private var partialHead = PartialHead()
    /// The current request's server, until released (`releasePicked`): exactly once per pick.
    private var picked: ServerID?
    /// Counts picks, so a connection attempt can tell whether its request is still current.
    private var pickNumber: UInt64 = 0
    private var upstream: UpstreamConnection?
    /// Request bytes read before the upstream connection was ready.
    private var buffered: [ByteBuffer] = []
    /// Whether request bytes were written upstream since the last flush.
    private var upstreamUnflushed = false
    private var requestKeepAlive = true
    private var requestIsHEAD = false
    /// Whether some of the response has been written to the client (too late for a 400 or 502).
    private var responseStarted = false
    /// From a request's head until its response's end: the exchange in progress.
    private var exchanging = false
    /// Whether the current request's end has been read (later bytes belong to the next one).
    private var requestComplete = false
    /// Bytes of pipelined requests, read while an earlier one was still being answered.
    private var pipelined: ByteBuffer?
    /// A `read` held back while `pipelined` is not empty.
    private var readHeld = false
    /// After an error response: the connection is closing and further bytes are ignored.
    private var closing = false

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
        let bytes = unwrapInboundIn(data)
        if closing {
            return
        } else if pipelined != nil {
            pipelined!.writeImmutableBuffer(bytes)
        } else {
            take(bytes)
        }
    }

    /// Holds reading back while pipelined requests wait; otherwise reads on.
    func read(context: ChannelHandlerContext) {
        if pipelined == nil { context.read() } else { readHeld = true }
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandonRequest()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        abandonRequest()
        pipelined = nil
        context.close(promise: nil)
    }

    // MARK: Request

    /// Frames `bytes` request by request, forwarding each as far as it goes; bytes after a
    /// complete request wait in `pipelined` until its response has ended.
    private func take(_ bytes: ByteBuffer) {
        var bytes = bytes
        defer { flushUpstream() }
        while bytes.readableBytes > 0 && !closing {
            if exchanging && requestComplete {
                pipelined = bytes
                return
            }
            if !framer.isExpectingMessage { framer.expectRequest() }
            let step: (consumed: Int, event: HTTPFramer.Event)
            do {
                step = try bytes.withUnsafeReadableBytes { try framer.advance($0) }
            } catch {
                return failExchange(answering: .badRequest)
            }
            let slice = bytes.readSlice(length: step.consumed)!
            switch step.event {
            case .needMore:
                if framer.isReadingHead { partialHead.keep(slice) } else { forward(slice) }
            case let .head(head):
                requestComplete = head.framing == .none
                startRequest(head, bytes: partialHead.complete(with: slice))
            case .end:
                requestComplete = true
                forward(slice)
            case .interimHead:
                preconditionFailure("a request framer reported an interim response")
            }
        }
    }

    private func startRequest(_ head: MessageHead, bytes: ByteBuffer) {
        requestKeepAlive = head.keepsConnectionAlive
        requestIsHEAD = head.isHEADRequest
        responseStarted = false
        exchanging = true
        guard let server = selector.pick() else {
            respondWithError(.serviceUnavailable)
            return
        }
        picked = server
        pickNumber &+= 1
        let pick = pickNumber
        // The backend connection is the proxy's: keep it alive whatever the client asked.
        let allocator = context?.channel.allocator ?? ByteBufferAllocator()
        let upstreamHead = head.forwardable(bytes, addingClose: false, asHTTP11: true, allocator: allocator)
        if let connection = pool.takeIdle(server) {
            // The common case: no buffering.
            attach(connection)
            forward(upstreamHead)
            return
        }
        buffered = [upstreamHead]
        pool.connect(server).assumeIsolated().whenComplete { [self] result in
            switch result {
            case let .success(connection):
                guard pickNumber == pick, picked != nil else {
                    // The client went away while connecting: keep the connection for others.
                    pool.giveBack(connection)
                    return
                }
                attach(connection)
                flushUpstream()
            case .failure:
                guard pickNumber == pick, picked != nil else { return }
                releasePicked()
                buffered = []
                respondWithError(.badGateway)
            }
        }
    }

    /// Sends the current request's bytes so far over `connection` and routes its response here.
    private func attach(_ connection: UpstreamConnection) {
        upstream = connection
        connection.expectResponse(for: self, requestIsHEAD: requestIsHEAD, clientKeepAlive: requestKeepAlive)
        for bytes in buffered { forward(bytes) }
        buffered = []
    }

    /// Sends request bytes upstream (flushed at the end of the read), or keeps them until the
    /// connection is ready; drops them when no server is picked (after an error response).
    private func forward(_ bytes: ByteBuffer) {
        if let upstream {
            upstream.write(bytes)
            upstreamUnflushed = true
        } else if picked != nil {
            buffered.append(bytes)
        }
    }

    private func flushUpstream() {
        guard upstreamUnflushed else { return }
        upstreamUnflushed = false
        upstream?.flush()
    }

    /// A request the framer cannot read (400) or a response that failed (502): releases the
    /// server, drops the upstream connection, and answers with `status` unless the response has
    /// begun; then the connection closes.
    private func failExchange(answering status: HTTPResponseStatus) {
        let responding = responseStarted && exchanging
        abandonRequest()
        pipelined = nil
        if responding {
            context?.close(promise: nil)
        } else {
            respondWithError(status)
        }
    }

    /// The response has ended: takes up pipelined requests, then lets reading go on.
    private func finishExchange() {
        exchanging = false
        if let bytes = pipelined {
            pipelined = nil
            take(bytes)
        }
        if pipelined == nil && readHeld {
            readHeld = false
            context?.read()
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
        releasePicked()
        if let upstream {
            // A request not fully sent (the backend answered early) leaves the connection mid-request.
            if upstreamReusable && requestComplete { pool.giveBack(upstream) } else { upstream.close() }
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
        failExchange(answering: .badGateway)
    }

    /// Releases the current request's server if it has not been released yet (then `picked`
    /// is `nil`, so a second call does nothing): on the response's end, or on the first error
    /// or close of either side.
    private func releasePicked() {
        guard let server = picked else { return }
        picked = nil
        selector.release(server)
    }

    /// The client went away or the channel failed: release the server and drop the upstream
    /// connection, which may still be mid-response and cannot be reused.
    private func abandonRequest() {
        releasePicked()
        buffered = []
        partialHead.reset()
        if let upstream {
            upstream.detach()
            upstream.close()
            self.upstream = nil
        }
    }

    private func respondWithError(_ status: HTTPResponseStatus) {
        closing = true
        pipelined = nil
        guard let context, context.channel.isActive else { return }
        var response = context.channel.allocator.buffer(capacity: 96)
        response.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        response.writeStaticString("content-length: 0\r\nconnection: close\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(response)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
