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
}

/// Frames an upstream connection's responses with `ResponseFramer` and hands their bytes to the
/// current receiver as they arrive: no decoding into HTTP parts, no encoding again.
///
/// A head is held until complete (one read, nearly always), then forwarded as it came, or
/// rewritten when it has `Connection` lines (hop-by-hop: the proxy's client connection is not
/// the backend's) or the client asked to close (`connection: close` added). Bytes left after a
/// response's end, or arriving while none is expected, make the connection unusable.
///
/// - Complexity: O(n) in the bytes read; a head spanning several reads is copied once.
/// - Note: Not thread-safe: runs on its channel's event loop.
final class UpstreamResponseForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var receiver: (any UpstreamReceiver)?
    private var framer = ResponseFramer()
    private var clientKeepAlive = true
    private var upstreamKeepAlive = true
    /// The first bytes of a head that spans reads.
    private var partialHead: ByteBuffer?

    /// See `UpstreamConnection.expectResponse(for:requestIsHEAD:clientKeepAlive:)`.
    func expectResponse(for receiver: any UpstreamReceiver, requestIsHEAD: Bool, clientKeepAlive: Bool) {
        self.receiver = receiver
        self.clientKeepAlive = clientKeepAlive
        partialHead = nil
        framer.expectResponse(toHEAD: requestIsHEAD)
    }

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
                    if framer.isReadingHead { keepHeadBytes(bytes) } else { receiver.upstreamBytes(bytes) }
                case .interimHead:
                    receiver.upstreamBytes(completeHead(bytes))
                case let .head(head):
                    upstreamKeepAlive = head.keepsConnectionAlive
                    receiver.upstreamBytes(forwardable(completeHead(bytes), head, allocator: context.channel.allocator))
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

    private func keepHeadBytes(_ bytes: ByteBuffer) {
        if partialHead == nil {
            partialHead = bytes
        } else {
            partialHead!.writeImmutableBuffer(bytes)
        }
    }

    /// The whole head, `last` being its final bytes.
    private func completeHead(_ last: ByteBuffer) -> ByteBuffer {
        guard var head = partialHead else { return last }
        partialHead = nil
        head.writeImmutableBuffer(last)
        return head
    }

    /// The head as the client gets it: as it came, unless it has `Connection` lines (dropped) or
    /// the client asked to close (`connection: close` added before the blank line).
    private func forwardable(_ bytes: ByteBuffer, _ head: ResponseHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        if head.connectionLines.isEmpty && clientKeepAlive { return bytes }
        let closing: StaticString = "connection: close\r\n"
        var rewritten = allocator.buffer(capacity: bytes.readableBytes + closing.utf8CodeUnitCount)
        var offset = 0
        for line in head.connectionLines {
            rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: line.lowerBound - offset)!)
            offset = line.upperBound
        }
        let blankLine = head.length - 2
        rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: blankLine - offset)!)
        if !clientKeepAlive { rewritten.writeStaticString(closing) }
        rewritten.writeStaticString("\r\n")
        return rewritten
    }
}
