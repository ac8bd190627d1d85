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
/// bytes go to the backend as they came (a head is copied only to drop `Connection` lines, and
/// an HTTP/1.0 one to ask for keep-alive); `UpstreamResponseForwarder` does the same for the
/// response.
///
/// An HTTP/1.0 request goes upstream as HTTP/1.0 with `connection: keep-alive` (so the backend
/// keeps the pooled connection, and owes the client neither a chunked body nor an interim
/// response), and its response carries `connection: keep-alive` when the client asked for it —
/// a 1.0 client reads a response without it as the last one.
///
/// It serves one request at a time by itself, without NIO's `HTTPServerPipelineHandler`: that
/// handler holds every `read` while a response is due, which costs two `epoll_ctl` calls per
/// request (reading off, then on again). Here reads stop only when a client pipelines: bytes of
/// a request that arrive while another is being answered wait in `pipelined`, and reading
/// resumes once they have been taken up. A malformed request gets 400 and the connection closes
/// (as `HTTPServerProtocolErrorHandler` would do).
///
/// Back-pressure both ways, so a slow reader costs the proxy no memory beyond NIO's high water
/// marks and a few reads: while the client's channel is not writable (a response arriving
/// faster than the client reads it), the upstream connection stops reading
/// (`UpstreamConnection.pauseReading()`) until it is writable again; while the upstream
/// channel is not writable (a request body sent faster than the backend reads it), or more
/// than `bufferLimit` bytes wait for a connection being opened, the client's reads are held.
/// While they are, a client's close waits behind its unread bytes: the exchange ends (and the
/// server is released) when the backend reads on, answers, closes or fails — as in any proxy
/// without an upload timeout.
///
/// - Complexity: O(n) in the bytes read; `pipelined` holds at most what one read cycle brings in
///   (reading stops while it is not empty), `buffered` at most `bufferLimit` plus one read.
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
    /// Request bytes read before the upstream connection was ready, and how many.
    private var buffered: [ByteBuffer] = []
    private var bufferedBytes = 0
    /// Request bytes kept while a connection opens, above which the client's reads are held.
    static let bufferLimit = 64 * 1024
    /// Whether request bytes cannot go upstream without piling up (the upstream channel is not
    /// writable, or `buffered` is over `bufferLimit`): the client's reads are held meanwhile.
    private var upstreamFull = false
    /// Whether request bytes were written upstream since the last flush.
    private var upstreamUnflushed = false
    private var requestKeepAlive = true
    private var requestIsHTTP11 = true
    private var requestIsHEAD = false
    /// Whether some of the response has been written to the client (too late for a 400 or 502).
    private var responseStarted = false
    /// From a request's head until its response's end: the exchange in progress.
    private var exchanging = false
    /// Whether the current request's end has been read (later bytes belong to the next one).
    private var requestComplete = false
    /// Bytes of pipelined requests, read while an earlier one was still being answered.
    private var pipelined: ByteBuffer?
    /// A `read` held back while `pipelined` is not empty or `upstreamFull`.
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

    /// Holds reading back while pipelined requests wait or the upstream is full; otherwise
    /// reads on.
    func read(context: ChannelHandlerContext) {
        if pipelined == nil && !upstreamFull { context.read() } else { readHeld = true }
    }

    /// Issues the `read` held back, once nothing holds it any more.
    private func resumeClientReads() {
        guard readHeld && pipelined == nil && !upstreamFull else { return }
        readHeld = false
        context?.read()
    }

    /// The client takes bytes again: the response may be read on.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
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
        requestIsHTTP11 = head.isHTTP11
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
        let upstreamHead = head.forwardable(bytes, adding: head.isHTTP11 ? nil : .keepAlive, allocator: allocator)
        if let connection = pool.takeIdle(server) {
            // The common case: no buffering.
            attach(connection)
            forward(upstreamHead)
            return
        }
        buffered = [upstreamHead]
        bufferedBytes = upstreamHead.readableBytes
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
                dropBuffered()
                respondWithError(.badGateway)
            }
        }
    }

    /// Sends the current request's bytes so far over `connection` and routes its response here.
    private func attach(_ connection: UpstreamConnection) {
        upstream = connection
        connection.expectResponse(
            for: self, requestIsHEAD: requestIsHEAD, clientKeepAlive: requestKeepAlive, clientIsHTTP11: requestIsHTTP11)
        let waiting = buffered
        dropBuffered()
        for bytes in waiting { forward(bytes) }
        upstreamFull = !connection.isWritable
        resumeClientReads()
    }

    /// Forgets request bytes kept for a connection; the client may be read again.
    private func dropBuffered() {
        buffered = []
        bufferedBytes = 0
        upstreamFull = false
    }

    /// Sends request bytes upstream (flushed at the end of the read), or keeps them until the
    /// connection is ready; drops them when no server is picked (after an error response).
    private func forward(_ bytes: ByteBuffer) {
        if let upstream {
            upstream.write(bytes)
            upstreamUnflushed = true
            if !upstream.isWritable { upstreamFull = true }
        } else if picked != nil {
            buffered.append(bytes)
            bufferedBytes += bytes.readableBytes
            if bufferedBytes > Self.bufferLimit { upstreamFull = true }
        }
    }

    private func flushUpstream() {
        guard upstreamUnflushed else { return }
        upstreamUnflushed = false
        upstream?.flush()
    }

    /// A request the framer cannot read (400) or a response that failed (502): releases the
    /// server, drops the upstream connection, and answers with `status` unless the response has
    /// begun; then the connection closes. A response that has begun is cut off after what was
    /// forwarded of it: that is flushed first (bytes forwarded in the read that failed are not
    /// flushed yet, and a close drops unflushed writes); what the socket cannot take at once is
    /// dropped, so a client that does not read cannot hold the connection open.
    private func failExchange(answering status: HTTPResponseStatus) {
        let responding = responseStarted && exchanging
        abandonRequest()
        pipelined = nil
        if responding {
            context?.flush()
            context?.close(promise: nil)
        } else {
            respondWithError(status)
        }
    }

    /// The response has ended: takes up pipelined requests, then lets reading go on.
    private func finishExchange() {
        exchanging = false
        upstreamFull = false
        if let bytes = pipelined {
            pipelined = nil
            take(bytes)
        }
        resumeClientReads()
    }

    // MARK: Response

    func upstreamBytes(_ bytes: ByteBuffer) {
        responseStarted = true
        guard let context else { return }
        context.write(wrapOutboundOut(bytes), promise: nil)
        // Over the client's high water mark: stop reading the response until it drains.
        if !context.channel.isWritable { upstream?.pauseReading() }
    }

    func upstreamWritable() {
        upstreamFull = false
        resumeClientReads()
    }

    func upstreamFlush() {
        context?.flush()
    }

    func upstreamResponseEnded(upstreamReusable: Bool, clientMayContinue: Bool) {
        releasePicked()
        if let upstream {
            // Reading was perhaps paused for a slow client; idle, it must see the backend close.
            upstream.resumeReading()
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
        dropBuffered()
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
