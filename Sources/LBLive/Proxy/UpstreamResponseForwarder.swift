import NIOCore

/// What receives an upstream connection's response, as raw bytes to forward.
protocol UpstreamReceiver: AnyObject {
    /// Bytes of the response, to be forwarded as they are; a head comes only once complete.
    func upstreamBytes(_ bytes: ByteBuffer)
    /// The bytes so far should go out now (the end of one read from the backend).
    func upstreamFlush()
    /// The response ended (its last bytes already given). `upstreamReusable`: the connection
    /// may carry another request; `clientMayContinue`: false when the body was delimited by the
    /// backend's close, so the client can only see its end by a close too.
    func upstreamResponseEnded(upstreamReusable: Bool, clientMayContinue: Bool)
    /// The connection closed or failed, or the response could not be framed, before its end;
    /// the connection is closing.
    func upstreamFailed()
    /// The connection can take request bytes again after its outbound buffer was over its high
    /// water mark (`Channel.isWritable`).
    func upstreamWritable()
}

/// Frames an upstream connection's responses with `HTTPFramer` and hands their bytes to the
/// current receiver as they arrive: no decoding into HTTP parts, no encoding again.
///
/// A head is held until complete (one read, nearly always), then forwarded as it came, or
/// rewritten when it has `Connection` lines (hop-by-hop: the proxy's client connection is not
/// the backend's), the client asked to close (`connection: close` added) or is an HTTP/1.0
/// client keeping its connection (`connection: keep-alive` added). An HTTP/1.0 client gets no
/// interim (1xx) response: they are dropped. Bytes left after a
/// response's end, or arriving while none is expected, make the connection unusable.
///
/// Back-pressure: while the receiver's client cannot take more (`pauseReading()`), the
/// forwarder holds the channel's `read`s, so the backend's bytes wait in the kernel's socket
/// buffers and TCP slows the backend, instead of piling up in the proxy's memory.
///
/// - Complexity: O(n) in the bytes read; a head spanning several reads is copied once.
/// - Note: Not thread-safe: runs on its channel's event loop.
final class UpstreamResponseForwarder: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var receiver: (any UpstreamReceiver)?
    private var framer = HTTPFramer(role: .response)
    private var clientKeepAlive = true
    private var clientIsHTTP11 = true
    private var upstreamKeepAlive = true
    private var partialHead = PartialHead()
    private var context: ChannelHandlerContext?
    /// Whether reading is held back (`pauseReading()`), and whether a `read` was held.
    private var readingPaused = false
    private var readHeld = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// See `UpstreamConnection.expectResponse(for:requestIsHEAD:clientKeepAlive:clientIsHTTP11:)`.
    func expectResponse(for receiver: any UpstreamReceiver, requestIsHEAD: Bool, clientKeepAlive: Bool, clientIsHTTP11: Bool) {
        self.receiver = receiver
        self.clientKeepAlive = clientKeepAlive
        self.clientIsHTTP11 = clientIsHTTP11
        partialHead.reset()
        framer.expectResponse(toHEAD: requestIsHEAD)
        resumeReading()
    }

    /// Holds further reads from the backend until `resumeReading()` (bytes already read are
    /// still forwarded).
    func pauseReading() {
        readingPaused = true
    }

    /// Lets reading go on, issuing the `read` held meanwhile.
    func resumeReading() {
        readingPaused = false
        if readHeld {
            readHeld = false
            context?.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readingPaused { readHeld = true } else { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { receiver?.upstreamWritable() }
        context.fireChannelWritabilityChanged()
    }

    /// Stops routing the response anywhere (the connection is about to be closed).
    func detach() {
        receiver = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let receiver else {
            // Bytes while no response is expected: the connection's framing is lost.
            context.close(promise: nil)
            return
        }
        var buffer = unwrapInboundIn(data)
        do {
            while buffer.readableBytes > 0 {
                let (consumed, event) = try buffer.withUnsafeReadableBytes { try framer.advance($0) }
                let bytes = buffer.readSlice(length: consumed)!
                switch event {
                case .needMore:
                    if framer.isReadingHead { partialHead.keep(bytes) } else { receiver.upstreamBytes(bytes) }
                case .interimHead:
                    let interim = partialHead.complete(with: bytes)
                    if clientIsHTTP11 { receiver.upstreamBytes(interim) }
                case let .head(head):
                    upstreamKeepAlive = head.keepsConnectionAlive
                    let line: ConnectionLine? = !clientKeepAlive ? .close : clientIsHTTP11 ? nil : .keepAlive
                    let forwarded = head.forwardable(partialHead.complete(with: bytes), adding: line, allocator: context.channel.allocator)
                    receiver.upstreamBytes(forwarded)
                    if head.framing == .none { return finish(receiver, leftover: buffer.readableBytes) }
                case .end:
                    if bytes.readableBytes > 0 { receiver.upstreamBytes(bytes) }
                    return finish(receiver, leftover: buffer.readableBytes)
                }
            }
            receiver.upstreamFlush()
        } catch {
            self.receiver = nil
            receiver.upstreamFailed()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delimitedByClose = framer.connectionClosed()
        if let receiver {
            self.receiver = nil
            if delimitedByClose {
                receiver.upstreamResponseEnded(upstreamReusable: false, clientMayContinue: false)
            } else {
                receiver.upstreamFailed()
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The response ended with `leftover` bytes after it in the same read (a protocol error:
    /// the connection is then not reused).
    private func finish(_ receiver: any UpstreamReceiver, leftover: Int) {
        self.receiver = nil
        receiver.upstreamResponseEnded(upstreamReusable: upstreamKeepAlive && leftover == 0, clientMayContinue: true)
    }
}
