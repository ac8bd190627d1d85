import NIOCore

/// The first bytes of a head that spans several reads, kept until the head is complete so it
/// can be forwarded (or rewritten) whole. Nearly every head arrives in one read and is never
/// copied; one that spans reads is copied once.
///
/// - Note: Not thread-safe: a value owned by one connection's handler.
struct PartialHead {
    private var bytes: ByteBuffer?

    /// Keeps `more` bytes of the head.
    mutating func keep(_ more: ByteBuffer) {
        if bytes == nil {
            bytes = more
        } else {
            bytes!.writeImmutableBuffer(more)
        }
    }

    /// The whole head, `last` being its final bytes; nothing is kept afterwards.
    mutating func complete(with last: ByteBuffer) -> ByteBuffer {
        guard var head = bytes else { return last }
        bytes = nil
        head.writeImmutableBuffer(last)
        return head
    }

    /// Forgets what was kept (the message was abandoned).
    mutating func reset() {
        bytes = nil
    }
}
