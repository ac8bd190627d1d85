import NIOCore

/// A `Connection` line the proxy writes into a head it forwards, for its own side of the hop.
enum ConnectionLine {
    /// `connection: close`: the connection ends after this message.
    case close
    /// `connection: keep-alive`: an HTTP/1.0 connection carries another message.
    case keepAlive

    var text: StaticString {
        switch self {
        case .close: "connection: close\r\n"
        case .keepAlive: "connection: keep-alive\r\n"
        }
    }
}

extension MessageHead {
    /// Whether `forwardable` would change this head (the rare case: forwarding copies then).
    func needsRewriting(adding line: ConnectionLine?) -> Bool {
        !connectionLines.isEmpty || line != nil
    }

    /// The head's `bytes` as the proxy forwards them to the other side: as they came, or a copy
    /// without its `Connection` lines (hop-by-hop: each side's connection is the proxy's own)
    /// and with `line` before the blank line.
    ///
    /// - Precondition: `bytes` is this head, whole.
    /// - Complexity: O(1) when nothing changes; otherwise O(n) in the head's length.
    func forwardable(_ bytes: ByteBuffer, adding line: ConnectionLine?, allocator: ByteBufferAllocator) -> ByteBuffer {
        precondition(bytes.readableBytes == length, "a whole head")
        guard needsRewriting(adding: line) else { return bytes }
        var rewritten = allocator.buffer(capacity: length + (line?.text.utf8CodeUnitCount ?? 0))
        var offset = 0
        for connectionLine in connectionLines {
            rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: connectionLine.lowerBound - offset)!)
            offset = connectionLine.upperBound
        }
        let blankLine = length - 2
        rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: blankLine - offset)!)
        if let line { rewritten.writeStaticString(line.text) }
        rewritten.writeStaticString("\r\n")
        return rewritten
    }
}
