import NIOCore

extension MessageHead {
    /// Whether `forwardable` would change this head (the rare case: forwarding copies then).
    func needsRewriting(addingClose: Bool, asHTTP11: Bool) -> Bool {
        !connectionLines.isEmpty || addingClose || (asHTTP11 && !isHTTP11)
    }

    /// The head's `bytes` as the proxy forwards them to the other side: as they came, or a copy
    /// without its `Connection` lines (hop-by-hop: each side's connection is the proxy's own),
    /// with `connection: close` before the blank line when `addingClose`, and with a request
    /// line's `HTTP/1.0` made `HTTP/1.1` when `asHTTP11` (so the backend keeps the connection).
    ///
    /// - Precondition: `bytes` is this head, whole; `asHTTP11` only for a request.
    /// - Complexity: O(1) when nothing changes; otherwise O(n) in the head's length.
    func forwardable(_ bytes: ByteBuffer, addingClose: Bool, asHTTP11: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        precondition(bytes.readableBytes == length && (!asHTTP11 || status == 0), "a request's whole head")
        guard needsRewriting(addingClose: addingClose, asHTTP11: asHTTP11) else { return bytes }
        let closing: StaticString = "connection: close\r\n"
        var rewritten = allocator.buffer(capacity: length + closing.utf8CodeUnitCount)
        var offset = 0
        for line in connectionLines {
            rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: line.lowerBound - offset)!)
            offset = line.upperBound
        }
        let blankLine = length - 2
        rewritten.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex + offset, length: blankLine - offset)!)
        if addingClose { rewritten.writeStaticString(closing) }
        rewritten.writeStaticString("\r\n")
        if asHTTP11 && !isHTTP11 {
            // The request line ends in "HTTP/1.0\r\n": its last digit is 3 bytes before its end.
            rewritten.setInteger(UInt8(ascii: "1"), at: rewritten.readerIndex + startLineLength - 3)
        }
        return rewritten
    }
}
