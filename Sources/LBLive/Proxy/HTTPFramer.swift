/// A strict, incremental HTTP/1.1 framing parser, for requests or responses: it finds where each
/// message's head and body end, so the proxy can forward bytes as they arrive instead of decoding
/// them into parts and encoding them again (HAProxy's "fast-forwarding").
///
/// It reads the start line (request line or status line) and the header lines up to the blank
/// line, and frames the body as RFC 9112 § 6.3 says. A response has none after a HEAD request or
/// for 1xx, 204 and 304; otherwise `Transfer-Encoding` ending in `chunked` (chunk extensions and
/// trailers allowed), `Content-Length`, or else it runs until the connection closes. A request's
/// body is chunked, `Content-Length` long, or absent. Body bytes are only counted, never copied;
/// the start, header and chunk-size lines are kept in one reused line buffer.
///
/// Strict where a lenient reading could frame a message differently from its peer: a line must
/// end in CRLF, with no CR inside; no folded header lines; header names are tokens and values
/// hold no control characters but tab; `Content-Length` is digits (repeats must agree);
/// `Transfer-Encoding` must end in `chunked` (exactly once), is refused in HTTP/1.0 and next to
/// `Content-Length`; `101 Switching Protocols` is refused (the proxy cannot tunnel); a head over
/// `maximumHeadBytes`, trailers over `maximumHeadBytes` in all, or a chunk-size line over
/// `maximumChunkLineBytes` are refused. Bytes that arrive while no message is expected are an
/// error too.
///
/// - Complexity: O(n) in the bytes given; O(1) memory beyond the longest line (bounded above).
/// - Note: Not thread-safe: a value owned by one connection's handler.
struct HTTPFramer {
    /// Which messages it frames.
    enum Role {
        case request
        case response
    }

    /// The most bytes a head (start line, headers, blank line) may take.
    static let maximumHeadBytes = 64 * 1024
    /// The most bytes a chunk-size line (size, extensions, CRLF) may take.
    static let maximumChunkLineBytes = 4 * 1024

    /// What a call to `advance` found at the end of the bytes it consumed.
    enum Event: Equatable {
        /// Every byte given was consumed, within a head or a body; nothing ended.
        case needMore
        /// An interim (1xx) response's head ended; the final response's head comes next.
        case interimHead
        /// A request's or final response's head ended. If its framing is `.none`, the message
        /// ended too.
        case head(MessageHead)
        /// The message's body ended: no message is expected any more.
        case end
    }

    private enum State: Equatable {
        /// No message expected: any byte is an error.
        case idle
        case startLine
        case headerLines
        case contentLength(remaining: UInt64)
        case chunkSizeLine
        case chunkData(remaining: UInt64)
        /// After a chunk's data: `matched` bytes of its CRLF seen so far.
        case chunkDataEnd(matched: Int)
        case trailerLines
        case untilClose
    }

    let role: Role
    private var state = State.idle
    private var requestWasHEAD = false
    /// The line being read (start, header, chunk size or trailer), CRLF included once complete.
    private var line: [UInt8] = []
    /// Bytes of the current head so far (lines before `line`), or of the trailers.
    private var sectionBytes = 0
    private var head = MessageHead()
    private var contentLength: UInt64?
    private var transferEncoding = TransferCodings()

    init(role: Role) {
        self.role = role
        line.reserveCapacity(256)
    }

    /// Whether the bytes now being read belong to a head (they must be kept until it is complete
    /// rather than forwarded).
    var isReadingHead: Bool { state == .startLine || state == .headerLines }

    /// Whether a message is expected or in progress.
    var isExpectingMessage: Bool { state != .idle }

    /// Expects the response to a request; `requestWasHEAD`: that response has no body.
    ///
    /// - Precondition: a response framer with no response in progress.
    mutating func expectResponse(toHEAD requestWasHEAD: Bool) {
        precondition(role == .response && state == .idle, "not a response framer, or a response is in progress")
        self.requestWasHEAD = requestWasHEAD
        startHead()
    }

    /// Expects the next request.
    ///
    /// - Precondition: a request framer with no request in progress.
    mutating func expectRequest() {
        precondition(role == .request && state == .idle, "not a request framer, or a request is in progress")
        startHead()
    }

    /// The connection closed: returns whether that ended the response (a body delimited by the
    /// close); `false` if a message was cut short. Either way no message is expected after.
    mutating func connectionClosed() -> Bool {
        let ended = state == .untilClose
        state = .idle
        return ended
    }

    /// Consumes `bytes` up to the first event (or all of them) and returns how many it consumed
    /// and the event at that point. Call again with the rest after an event.
    ///
    /// - Throws: `HTTPFramingError` when the bytes cannot be framed; the connection must then
    ///   be closed (the parser is left idle).
    mutating func advance(_ bytes: UnsafeRawBufferPointer) throws(HTTPFramingError) -> (consumed: Int, event: Event) {
        do {
            return try scan(bytes)
        } catch {
            state = .idle
            throw error
        }
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(HTTPFramingError) -> (consumed: Int, event: Event) {
        var index = 0
        while index < bytes.count {
            switch state {
            case .idle:
                throw .unexpectedBytes
            case .startLine, .headerLines, .chunkSizeLine, .trailerLines:
                let newline = bytes[index...].firstIndex(of: ASCII.lineFeed)
                let end = newline.map { $0 + 1 } ?? bytes.count
                try appendToLine(UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                index = end
                if newline != nil, let event = try lineCompleted() { return (index, event) }
            case let .contentLength(remaining):
                let taken = min(remaining, UInt64(bytes.count - index))
                index += Int(taken)
                if taken == remaining { return (index, finishMessage()) }
                state = .contentLength(remaining: remaining - taken)
            case let .chunkData(remaining):
                let taken = min(remaining, UInt64(bytes.count - index))
                index += Int(taken)
                state = taken == remaining ? .chunkDataEnd(matched: 0) : .chunkData(remaining: remaining - taken)
            case let .chunkDataEnd(matched):
                guard bytes[index] == (matched == 0 ? ASCII.carriageReturn : ASCII.lineFeed) else { throw .malformedChunk }
                index += 1
                state = matched == 0 ? .chunkDataEnd(matched: 1) : .chunkSizeLine
            case .untilClose:
                index = bytes.count
            }
        }
        return (index, .needMore)
    }

    private mutating func appendToLine(_ bytes: UnsafeRawBufferPointer) throws(HTTPFramingError) {
        let limit = state == .chunkSizeLine ? Self.maximumChunkLineBytes : Self.maximumHeadBytes - sectionBytes
        guard line.count + bytes.count <= limit else {
            throw state == .chunkSizeLine ? .chunkLineTooLong : .headTooLarge
        }
        line.append(contentsOf: bytes)
    }

    /// Handles the complete line in `line` (CRLF included); returns the event it ends with, if any.
    private mutating func lineCompleted() throws(HTTPFramingError) -> Event? {
        guard line.count >= 2, line[line.count - 2] == ASCII.carriageReturn else { throw .bareLineFeed }
        let lineStart = sectionBytes
        sectionBytes += line.count
        // Moved out (no copy) so that handling it may mutate `self`; moved back emptied, its
        // capacity kept for the next line.
        var completed: [UInt8] = []
        swap(&completed, &line)
        defer {
            completed.removeAll(keepingCapacity: true)
            line = completed
        }
        let handled = completed.withUnsafeBytes { whole in
            Result { () throws(HTTPFramingError) in
                try handleLine(UnsafeRawBufferPointer(rebasing: whole[..<(whole.count - 2)]), lineStart: lineStart)
            }
        }
        return try handled.get()
    }

    /// Handles a complete line's `content` (CRLF removed) that began `lineStart` bytes into its section.
    private mutating func handleLine(_ content: UnsafeRawBufferPointer, lineStart: Int) throws(HTTPFramingError) -> Event? {
        guard !content.contains(ASCII.carriageReturn) else { throw .strayCarriageReturn }
        switch state {
        case .startLine:
            switch role {
            case .request: try readRequestLine(content)
            case .response: try readStatusLine(content)
            }
            head.startLineLength = sectionBytes
            state = .headerLines
            return nil
        case .headerLines:
            if content.isEmpty { return try headCompleted() }
            try readHeaderLine(content, range: lineStart..<sectionBytes)
            return nil
        case .chunkSizeLine:
            let size = try ChunkSizeLine.parse(content)
            sectionBytes = 0
            state = size == 0 ? .trailerLines : .chunkData(remaining: size)
            return nil
        case .trailerLines:
            if content.isEmpty { return finishMessage() }
            _ = try HeaderLine.parse(content)
            return nil
        case .idle, .contentLength, .chunkData, .chunkDataEnd, .untilClose:
            preconditionFailure("a line completed outside a line state")
        }
    }

    private mutating func startHead() {
        state = .startLine
        sectionBytes = 0
        head = MessageHead()
        contentLength = nil
        transferEncoding = TransferCodings()
    }

    private mutating func readStatusLine(_ content: UnsafeRawBufferPointer) throws(HTTPFramingError) {
        // HTTP/1.x SP 3DIGIT [ SP reason-phrase ]
        guard content.count >= 12, ASCII.equals(UnsafeRawBufferPointer(rebasing: content[..<7]), "HTTP/1."),
              content[7] == ASCII.zero || content[7] == ASCII.zero + 1, content[8] == ASCII.space,
              content.count == 12 || content[12] == ASCII.space
        else { throw .malformedStartLine }
        var status = 0
        for offset in 9..<12 {
            guard ASCII.isDigit(content[offset]) else { throw .malformedStartLine }
            status = status * 10 + Int(content[offset] - ASCII.zero)
        }
        guard (100...599).contains(status),
              content.dropFirst(12).allSatisfy({ ASCII.isFieldValueByte($0) })
        else { throw .malformedStartLine }
        head.status = status
        head.isHTTP11 = content[7] == ASCII.zero + 1
    }

    private mutating func readRequestLine(_ content: UnsafeRawBufferPointer) throws(HTTPFramingError) {
        // method SP request-target SP HTTP/1.x
        let version: StaticString = " HTTP/1."
        let versionStart = content.count - 1 - version.utf8CodeUnitCount
        guard versionStart >= 2,
              content[content.count - 1] == ASCII.zero || content[content.count - 1] == ASCII.zero + 1,
              ASCII.equals(UnsafeRawBufferPointer(rebasing: content[versionStart..<(content.count - 1)]), version),
              let space = content.firstIndex(of: ASCII.space), space > 0,
              content[..<space].allSatisfy({ ASCII.isTokenByte($0) })
        else { throw .malformedStartLine }
        guard versionStart > space + 1, content[(space + 1)..<versionStart].allSatisfy({ $0 > ASCII.space && $0 != 0x7F }) else {
            throw .malformedStartLine
        }
        head.isHTTP11 = content[content.count - 1] == ASCII.zero + 1
        head.isHEADRequest = ASCII.equals(UnsafeRawBufferPointer(rebasing: content[..<space]), "HEAD")
    }

    private mutating func readHeaderLine(_ content: UnsafeRawBufferPointer, range: Range<Int>) throws(HTTPFramingError) {
        let field = try HeaderLine.parse(content)
        let name = UnsafeRawBufferPointer(rebasing: content[field.name])
        let value = UnsafeRawBufferPointer(rebasing: content[field.value])
        if ASCII.equalsIgnoringCase(name, "content-length") {
            let length = try ContentLengthValue.parse(value)
            if let contentLength, contentLength != length { throw .conflictingContentLength }
            contentLength = length
        } else if ASCII.equalsIgnoringCase(name, "transfer-encoding") {
            try transferEncoding.add(value)
        } else if ASCII.equalsIgnoringCase(name, "connection") {
            head.connectionLines.append(range)
            ASCII.forEachListElement(value) { token in
                if ASCII.equalsIgnoringCase(token, "close") { head.connectionClose = true }
                if ASCII.equalsIgnoringCase(token, "keep-alive") { head.connectionKeepAlive = true }
            }
        }
    }

    /// The blank line after the headers: decides the body's framing.
    private mutating func headCompleted() throws(HTTPFramingError) -> Event {
        head.length = sectionBytes
        if role == .response && head.status < 200 {
            guard head.status != 101 else { throw .switchingProtocols }
            startHead()
            return .interimHead
        }
        if transferEncoding.isPresent {
            guard head.isHTTP11 else { throw .transferEncodingInHTTP10 }
            guard contentLength == nil else { throw .transferEncodingWithContentLength }
            guard transferEncoding.endsInChunked else { throw .unframeableTransferEncoding }
        }
        let bodiless = role == .response && (requestWasHEAD || head.status == 204 || head.status == 304)
        if bodiless || contentLength == 0 {
            head.framing = .none
        } else if transferEncoding.isPresent {
            head.framing = .chunked
        } else if let contentLength {
            head.framing = .contentLength(contentLength)
        } else {
            // A request without either has no body; a response runs until the close.
            head.framing = role == .request ? .none : .untilClose
        }
        switch head.framing {
        case .none: state = .idle
        case let .contentLength(length): state = .contentLength(remaining: length)
        case .chunked: state = .chunkSizeLine
        case .untilClose: state = .untilClose
        }
        return .head(head)
    }

    private mutating func finishMessage() -> Event {
        state = .idle
        return .end
    }
}

/// What the framer learned from a request's or final response's head.
struct MessageHead: Equatable {
    /// How a message's body is delimited.
    enum Framing: Equatable {
        /// No body: the response ends with its head.
        case none
        case contentLength(UInt64)
        case chunked
        /// The body ends when the connection closes.
        case untilClose
    }

    /// A response's status code (0 for a request).
    var status = 0
    /// Whether a request's method is `HEAD`.
    var isHEADRequest = false
    var isHTTP11 = true
    /// Bytes of the start line, CRLF included.
    var startLineLength = 0
    /// Bytes from the status line to the blank line, both included.
    var length = 0
    var framing = Framing.none
    var connectionClose = false
    var connectionKeepAlive = false
    /// Where the head's `Connection` lines lie (CRLF included), as byte offsets into the head.
    var connectionLines: [Range<Int>] = []

    /// Whether the connection may carry another message after this one.
    var keepsConnectionAlive: Bool {
        framing != .untilClose && (isHTTP11 ? !connectionClose : connectionKeepAlive)
    }
}

/// Why a message could not be framed.
enum HTTPFramingError: Error, Equatable {
    case unexpectedBytes
    case bareLineFeed
    case strayCarriageReturn
    case malformedStartLine
    case malformedHeaderLine
    case obsoleteLineFolding
    case headTooLarge
    case malformedContentLength
    case conflictingContentLength
    case transferEncodingInHTTP10
    case transferEncodingWithContentLength
    case unframeableTransferEncoding
    case switchingProtocols
    case malformedChunk
    case chunkLineTooLong
}
