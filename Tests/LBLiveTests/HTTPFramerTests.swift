@testable import LBLive
import LBRandom
import NIOCore
import Testing

/// The proxy's response-framing parser: every response framed the same however its bytes are
/// split, the body rules of RFC 9112 § 6.3, and malformed input refused.
@Suite("Proxy: response framing")
struct HTTPFramerTests {
    /// What framing one response's bytes produced: each event with the byte offset it ends at.
    struct Framed: Equatable {
        var events: [Offset] = []
        var error: HTTPFramingError?
        var consumed = 0

        struct Offset: Equatable {
            let event: HTTPFramer.Event
            let at: Int
        }
    }

    /// Frames `pieces` in order, as reads from a socket, resuming after each event.
    static func frame(
        _ pieces: [[UInt8]], role: HTTPFramer.Role = .response, toHEAD: Bool = false, closeAfter: Bool = false
    ) -> (Framed, closedEnded: Bool) {
        var framer = HTTPFramer(role: role)
        if role == .request { framer.expectRequest() } else { framer.expectResponse(toHEAD: toHEAD) }
        var framed = Framed()
        for piece in pieces {
            var start = 0
            while start < piece.count {
                do {
                    let (consumed, event) = try piece[start...].withUnsafeBytes { try framer.advance($0) }
                    start += consumed
                    framed.consumed += consumed
                    if event != .needMore { framed.events.append(.init(event: event, at: framed.consumed)) }
                } catch {
                    framed.error = error as? HTTPFramingError
                    // How far into the failing bytes it got depends on the split: not compared.
                    framed.consumed = framed.events.last?.at ?? 0
                    return (framed, false)
                }
            }
        }
        return (framed, closeAfter ? framer.connectionClosed() : false)
    }

    /// Frames `text` whole, split in two at every byte boundary, and one byte at a time; all must agree.
    static func frameEverySplit(
        _ text: String, role: HTTPFramer.Role = .response, toHEAD: Bool = false, closeAfter: Bool = false
    ) -> (Framed, closedEnded: Bool) {
        let bytes = Array(text.utf8)
        let whole = frame([bytes], role: role, toHEAD: toHEAD, closeAfter: closeAfter)
        for split in 1..<bytes.count {
            let halves = frame([Array(bytes[..<split]), Array(bytes[split...])], role: role, toHEAD: toHEAD, closeAfter: closeAfter)
            #expect(halves.0 == whole.0, "split at \(split)")
            #expect(halves.closedEnded == whole.closedEnded, "split at \(split)")
        }
        let single = frame(bytes.map { [$0] }, role: role, toHEAD: toHEAD, closeAfter: closeAfter)
        #expect(single.0 == whole.0, "one byte at a time")
        return whole
    }

    static func head(of framed: Framed) -> MessageHead? {
        for offset in framed.events { if case let .head(head) = offset.event { return head } }
        return nil
    }

    @Test("Content-Length: the body ends after that many bytes")
    func contentLength() {
        let headText = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nServer: x\r\n\r\n"
        let (framed, _) = Self.frameEverySplit(headText + "0123456789")
        #expect(framed.error == nil)
        let head = Self.head(of: framed)
        #expect(head?.status == 200)
        #expect(head?.framing == .contentLength(10))
        #expect(head?.length == headText.utf8.count)
        #expect(head?.keepsConnectionAlive == true)
        #expect(framed.events.map(\.at) == [headText.utf8.count, headText.utf8.count + 10])
        #expect(framed.events.last?.event == .end)
    }

    @Test("Content-Length repeated with the same value, and a list of equal values, are accepted")
    func repeatedContentLength() {
        let (framed, _) = Self.frameEverySplit("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nContent-Length: 3, 3\r\n\r\nabc")
        #expect(framed.error == nil)
        #expect(Self.head(of: framed)?.framing == .contentLength(3))
        #expect(framed.events.last?.event == .end)
    }

    @Test("Chunked with extensions and trailers: the body ends after the trailers' blank line")
    func chunkedWithExtensionsAndTrailers() {
        let body = "5;name=value\r\nhello\r\n1A ; a=\"quoted; ok\" ;b\r\nabcdefghijklmnopqrstuvwxyz\r\n0;last\r\nTrailer-One: 1\r\nx: y\r\n\r\n"
        let headText = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        let (framed, _) = Self.frameEverySplit(headText + body)
        #expect(framed.error == nil)
        #expect(Self.head(of: framed)?.framing == .chunked)
        #expect(framed.events.map(\.at) == [headText.utf8.count, (headText + body).utf8.count])
        #expect(framed.events.last?.event == .end)
    }

    @Test("Chunked without trailers, in upper-case hex")
    func chunkedPlain() {
        let text = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"
        let (framed, _) = Self.frameEverySplit(text)
        #expect(framed.error == nil)
        #expect(framed.events.last == .init(event: .end, at: text.utf8.count))
    }

    @Test("No body for 204, 304, a HEAD request's response and Content-Length 0", arguments: [
        ("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false),
        ("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false),
    ])
    func noBody(text: String, toHEAD: Bool) {
        let (framed, _) = Self.frameEverySplit(text, toHEAD: toHEAD)
        #expect(framed.error == nil)
        #expect(framed.events.count == 1)
        #expect(Self.head(of: framed)?.framing == MessageHead.Framing.none)
        #expect(framed.consumed == text.utf8.count)
    }

    @Test("Interim 1xx responses come before the final one, each a head of its own")
    func interimResponses() {
        let interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        let final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        let (framed, _) = Self.frameEverySplit(interim + final + "ok")
        #expect(framed.error == nil)
        #expect(framed.events.map(\.event).prefix(2) == [.interimHead, .interimHead])
        #expect(framed.events[2].at == (interim + final).utf8.count)
        #expect(Self.head(of: framed)?.status == 200)
        #expect(framed.events.last?.event == .end)
    }

    @Test("Without Content-Length or chunked, the body runs until the close and the connection is not reused")
    func untilClose() {
        let (framed, closedEnded) = Self.frameEverySplit("HTTP/1.1 200 OK\r\n\r\nsome bytes", closeAfter: true)
        #expect(framed.error == nil)
        #expect(Self.head(of: framed)?.framing == .untilClose)
        #expect(Self.head(of: framed)?.keepsConnectionAlive == false)
        #expect(closedEnded)
    }

    @Test("A close mid-body does not end the response")
    func closeMidBody() {
        let (framed, closedEnded) = Self.frame([Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234".utf8)], closeAfter: true)
        #expect(framed.error == nil)
        #expect(framed.events.count == 1)
        #expect(!closedEnded)
    }

    @Test("Connection lines are found and decide keep-alive, for HTTP/1.1 and 1.0")
    func connectionLines() {
        let first = "HTTP/1.1 200 OK\r\n"
        let line = "Connection: foo, Close\r\n"
        let (framed, _) = Self.frameEverySplit(first + line + "Content-Length: 0\r\n\r\n")
        let head = Self.head(of: framed)
        #expect(head?.connectionLines == [first.utf8.count..<(first + line).utf8.count])
        #expect(head?.keepsConnectionAlive == false)
        let (old, _) = Self.frameEverySplit("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(Self.head(of: old)?.keepsConnectionAlive == false)
        let (oldKept, _) = Self.frameEverySplit("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
        #expect(Self.head(of: oldKept)?.keepsConnectionAlive == true)
    }

    @Test("Malformed responses are refused, however they are split", arguments: [
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", HTTPFramingError.bareLineFeed),
        ("HTTP/1.1 200 O\rK\r\n\r\n", .strayCarriageReturn),
        ("HTTP/2.0 200 OK\r\n\r\n", .malformedStartLine),
        ("HTTP/1.1 20 OK\r\n\r\n", .malformedStartLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStartLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .malformedStartLine),
        ("NOT HTTP\r\n\r\n", .malformedStartLine),
        ("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", .malformedHeaderLine),
        ("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", .malformedHeaderLine),
        ("HTTP/1.1 200 OK\r\nX: a\u{1}b\r\n\r\n", .malformedHeaderLine),
        ("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n", .malformedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .malformedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", .malformedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", .malformedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", .malformedContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", .transferEncodingWithContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .unframeableTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .unframeableTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unframeableTransferEncoding),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", .switchingProtocols),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", .malformedHeaderLine),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy", .unexpectedBytes),
    ])
    func malformed(text: String, expected: HTTPFramingError) {
        let (framed, _) = Self.frameEverySplit(text)
        #expect(framed.error == expected)
    }

    @Test("A head, trailers or a chunk-size line over its bound is refused")
    func bounds() {
        let hugeHeader = "X: " + String(repeating: "a", count: HTTPFramer.maximumHeadBytes) + "\r\n"
        #expect(Self.frame([Array(("HTTP/1.1 200 OK\r\n" + hugeHeader + "\r\n").utf8)]).0.error == .headTooLarge)
        let trailers = "0\r\n" + hugeHeader + "\r\n"
        #expect(Self.frame([Array(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + trailers).utf8)]).0.error == .headTooLarge)
        let longExtension = "1;" + String(repeating: "e", count: HTTPFramer.maximumChunkLineBytes) + "\r\n"
        #expect(Self.frame([Array(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + longExtension).utf8)]).0.error == .chunkLineTooLong)
        // Just under the head bound is fine.
        let fitting = "X: " + String(repeating: "a", count: HTTPFramer.maximumHeadBytes - 64) + "\r\n"
        #expect(Self.frame([Array(("HTTP/1.1 200 OK\r\n" + fitting + "Content-Length: 0\r\n\r\n").utf8)]).0.error == nil)
    }

    @Test("One framer frames responses one after another on a kept-alive connection")
    func successiveResponses() throws {
        var framer = HTTPFramer(role: .response)
        for body in ["a", "bcd", ""] {
            framer.expectResponse(toHEAD: false)
            let bytes = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            var start = 0
            var last = HTTPFramer.Event.needMore
            while start < bytes.count {
                let (consumed, event) = try bytes[start...].withUnsafeBytes { try framer.advance($0) }
                start += consumed
                last = event
            }
            #expect(!framer.isExpectingMessage)
            #expect(body.isEmpty ? Self.isHead(last) : last == .end)
        }
    }

    @Test("Requests: no body without framing headers, Content-Length and chunked bodies, method and version read")
    func requests() {
        let get = "GET /a?b=c HTTP/1.1\r\nHost: x\r\nx-lbbench-work-ns: 5\r\n\r\n"
        let (plain, _) = Self.frameEverySplit(get, role: .request)
        #expect(plain.error == nil)
        #expect(plain.events.count == 1)
        let head = Self.head(of: plain)
        #expect(head?.framing == MessageHead.Framing.none)
        #expect(head?.startLineLength == "GET /a?b=c HTTP/1.1\r\n".utf8.count)
        #expect(head?.isHEADRequest == false)
        #expect(head?.keepsConnectionAlive == true)

        let post = "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody"
        let (sized, _) = Self.frameEverySplit(post, role: .request)
        #expect(sized.events.last == .init(event: .end, at: post.utf8.count))

        let chunked = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nab\r\n0\r\nT: 1\r\n\r\n"
        let (streamed, _) = Self.frameEverySplit(chunked, role: .request)
        #expect(Self.head(of: streamed)?.framing == .chunked)
        #expect(streamed.events.last == .init(event: .end, at: chunked.utf8.count))

        let (old, _) = Self.frameEverySplit("HEAD / HTTP/1.0\r\n\r\n", role: .request)
        #expect(Self.head(of: old)?.isHEADRequest == true)
        #expect(Self.head(of: old)?.isHTTP11 == false)
        #expect(Self.head(of: old)?.keepsConnectionAlive == false)
    }

    @Test("Malformed requests are refused, however they are split", arguments: [
        ("NOT HTTP AT ALL\r\n\r\n", HTTPFramingError.malformedStartLine),
        ("GET /a b HTTP/1.1\r\n\r\n", .malformedStartLine),
        ("GET  HTTP/1.1\r\n\r\n", .malformedStartLine),
        ("G(T / HTTP/1.1\r\n\r\n", .malformedStartLine),
        ("GET / HTTP/2.0\r\n\r\n", .malformedStartLine),
        ("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", .unframeableTransferEncoding),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", .transferEncodingWithContentLength),
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", .bareLineFeed),
    ])
    func malformedRequests(text: String, expected: HTTPFramingError) {
        let (framed, _) = Self.frameEverySplit(text, role: .request)
        #expect(framed.error == expected)
    }

    @Test("Heads forwarded: as they came, or without Connection lines, with close or keep-alive added")
    func headRewriting() throws {
        func forwarded(_ text: String, role: HTTPFramer.Role, adding line: ConnectionLine?) throws -> String {
            let head = try #require(Self.head(of: Self.frame([Array(text.utf8)], role: role).0))
            let bytes = ByteBuffer(string: text)
            return String(buffer: head.forwardable(bytes, adding: line, allocator: ByteBufferAllocator()))
        }
        let plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try forwarded(plain, role: .request, adding: nil) == plain)
        #expect(
            try forwarded("GET /p HTTP/1.0\r\nConnection: keep-alive\r\nHost: x\r\nconnection: te\r\n\r\n", role: .request, adding: .keepAlive)
                == "GET /p HTTP/1.0\r\nHost: x\r\nconnection: keep-alive\r\n\r\n"
        )
        #expect(
            try forwarded("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", role: .response, adding: .close)
                == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nconnection: close\r\n\r\n"
        )
    }

    @Test("Random responses back to back, cut at random points, end exactly where they were built to end")
    func randomResponses() throws {
        for seed in UInt64(0)..<300 {
            var random = SplitMix64(seed: seed)
            var stream: [UInt8] = []
            var ends: [Int] = []
            for _ in 0..<3 {
                stream += Self.randomResponse(using: &random)
                ends.append(stream.count)
            }
            // Cut the stream into pieces of 1 to 16 bytes.
            var pieces: [ArraySlice<UInt8>] = []
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + Int.random(in: 1...16, using: &random))
                pieces.append(stream[start..<end])
                start = end
            }
            var framer = HTTPFramer(role: .response)
            var found: [Int] = []
            var offset = 0
            for piece in pieces {
                var index = piece.startIndex
                while index < piece.endIndex {
                    if !framer.isExpectingMessage { framer.expectResponse(toHEAD: false) }
                    let (consumed, event) = try piece[index...].withUnsafeBytes { try framer.advance($0) }
                    index += consumed
                    offset += consumed
                    switch event {
                    case .end: found.append(offset)
                    case let .head(head) where head.framing == .none: found.append(offset)
                    default: break
                    }
                }
            }
            #expect(found == ends, "seed \(seed)")
        }
    }

    /// A response with a random body: Content-Length (possibly 0) or chunked with random chunk
    /// sizes, extensions and trailers; the body bytes include CR, LF and digits to tempt a
    /// parser into reading them as framing.
    private static func randomResponse(using random: inout SplitMix64) -> [UInt8] {
        let alphabet = Array("ab0\r\n;:".utf8)
        func body(_ count: Int) -> [UInt8] { (0..<count).map { _ in alphabet.randomElement(using: &random)! } }
        if Bool.random(using: &random) {
            let length = Int.random(in: 0...40, using: &random)
            return Array("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n".utf8) + body(length)
        }
        var bytes = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let size = Int.random(in: 1...20, using: &random)
            let chunkExtension = Bool.random(using: &random) ? ";n=\"v\"" : ""
            bytes += Array((String(size, radix: 16) + chunkExtension + "\r\n").utf8) + body(size) + Array("\r\n".utf8)
        }
        bytes += Array("0\r\n".utf8)
        if Bool.random(using: &random) { bytes += Array("Trailer: t\r\n".utf8) }
        return bytes + Array("\r\n".utf8)
    }

    private static func isHead(_ event: HTTPFramer.Event) -> Bool {
        if case .head = event { return true }
        return false
    }

    /// Mutants that accepted a Content-Length of 19 digits, a DEL byte in a field value, `g` as
    /// a hex digit, and status codes up to 999, survived the lists above, whose nearest cases were
    /// 20 digits, a control byte below space, `zz` and a four-digit status.
    @Test("The grammar's edges: 18 Content-Length digits read, 19 refused; DEL in a field value refused; hex digits end at f; status codes at 599")
    func grammarEdges() throws {
        let eighteen = "HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n"
        let head = try #require(Self.head(of: Self.frameEverySplit(eighteen).0))
        #expect(head.framing == .contentLength(999_999_999_999_999_999))
        let nineteen = "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\n"
        #expect(Self.frameEverySplit(nineteen).0.error == .malformedContentLength)
        #expect(Self.frameEverySplit("HTTP/1.1 200 OK\r\nX: a\u{7F}b\r\n\r\n").0.error == .malformedHeaderLine)
        #expect(Self.frameEverySplit("GET / HTTP/1.1\r\nX: a\u{7F}\r\n\r\n", role: .request).0.error == .malformedHeaderLine)
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let lastHexDigits = chunked + "f\r\n" + String(repeating: "x", count: 15) + "\r\nF\r\n" + String(repeating: "y", count: 15)
            + "\r\n0\r\n\r\n"
        let framed = Self.frameEverySplit(lastHexDigits).0
        #expect(framed.error == nil && framed.events.last == .init(event: .end, at: lastHexDigits.utf8.count))
        #expect(Self.frameEverySplit(chunked + "g\r\n").0.error == .malformedChunk)
        #expect(Self.frameEverySplit(chunked + "1g\r\n").0.error == .malformedChunk)
        #expect(Self.head(of: Self.frameEverySplit("HTTP/1.1 599 Custom\r\nContent-Length: 0\r\n\r\n").0)?.status == 599)
        #expect(Self.frameEverySplit("HTTP/1.1 600 Custom\r\nContent-Length: 0\r\n\r\n").0.error == .malformedStartLine)
    }

    /// A mutant that bounded each header line by the head's limit, rather than the head as a
    /// whole, survived the test above, whose over-long head was one line.
    @Test("The head's bound counts every line: many short header lines over it are refused")
    func manyLinesOverTheHeadBound() {
        let line = "X-Filler: " + String(repeating: "a", count: 48) + "\r\n"  // 60 bytes
        let lines = HTTPFramer.maximumHeadBytes / 60 + 1
        let text = "HTTP/1.1 200 OK\r\n" + String(repeating: line, count: lines) + "\r\n"
        let bytes = Array(text.utf8)
        #expect(Self.frame([bytes]).0.error == .headTooLarge)
        #expect(Self.frame(stride(from: 0, to: bytes.count, by: 1_000).map { Array(bytes[$0..<min($0 + 1_000, bytes.count)]) }).0.error == .headTooLarge)
        // Under the bound by a line, the same lines make a head.
        let fitting = "HTTP/1.1 200 OK\r\n" + String(repeating: line, count: lines - 3) + "\r\n"
        #expect(Self.frame([Array(fitting.utf8)]).0.error == nil)
    }
}
