/// The pieces of RFC 9110 / 9112 grammar `HTTPFramer` reads: header lines, `Content-Length`
/// and `Transfer-Encoding` values, chunk-size lines, and byte classes.
///
/// - Note: Stateless functions (but `TransferCodings`, a value), safe from any thread.
extension HTTPFramer {
    /// One `name: value` line (without CRLF), checked: the name a token, the value (optional
    /// whitespace trimmed) free of control characters but tab.
    enum HeaderLine {
        static func parse(_ content: UnsafeRawBufferPointer) throws(HTTPFramingError) -> (name: Range<Int>, value: Range<Int>) {
            guard let first = content.first else { throw .malformedHeaderLine }
            guard !ASCII.isWhitespace(first) else { throw .obsoleteLineFolding }
            guard let colon = content.firstIndex(of: ASCII.colon), colon > 0,
                  content[..<colon].allSatisfy({ ASCII.isTokenByte($0) }),
                  content[(colon + 1)...].allSatisfy({ ASCII.isFieldValueByte($0) })
            else { throw .malformedHeaderLine }
            var start = colon + 1
            var end = content.count
            while start < end, ASCII.isWhitespace(content[start]) { start += 1 }
            while end > start, ASCII.isWhitespace(content[end - 1]) { end -= 1 }
            return (0..<colon, start..<end)
        }
    }

    /// A `Content-Length` value: digits, or a comma-separated list of equal digit strings.
    enum ContentLengthValue {
        static func parse(_ value: UnsafeRawBufferPointer) throws(HTTPFramingError) -> UInt64 {
            var length: UInt64?
            var failed = false
            ASCII.forEachListElement(value, keepingEmpty: true) { element in
                guard !failed, !element.isEmpty, element.count <= 18, element.allSatisfy({ ASCII.isDigit($0) }) else {
                    failed = true
                    return
                }
                let parsed = element.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - ASCII.zero) }
                if let length, length != parsed { failed = true }
                length = parsed
            }
            guard !failed, let length else { throw .malformedContentLength }
            return length
        }
    }

    /// The transfer codings of a response, over all its `Transfer-Encoding` lines.
    struct TransferCodings {
        private(set) var isPresent = false
        private(set) var endsInChunked = false
        private var chunkedNotLast = false

        /// Adds one line's codings; `chunked` anywhere but last (or twice) is an error.
        mutating func add(_ value: UnsafeRawBufferPointer) throws(HTTPFramingError) {
            isPresent = true
            ASCII.forEachListElement(value) { coding in
                if endsInChunked { chunkedNotLast = true }
                // A coding may carry parameters (`gzip;q=1`); only its name matters here.
                let name = UnsafeRawBufferPointer(rebasing: coding[..<(coding.firstIndex(of: ASCII.semicolon) ?? coding.count)])
                endsInChunked = ASCII.equalsIgnoringCase(ASCII.trimmingWhitespace(name), "chunked")
            }
            if chunkedNotLast { throw .unframeableTransferEncoding }
        }
    }

    /// A chunk-size line (without CRLF): hexadecimal digits, then optionally extensions after `;`.
    enum ChunkSizeLine {
        static func parse(_ content: UnsafeRawBufferPointer) throws(HTTPFramingError) -> UInt64 {
            var size: UInt64 = 0
            var digits = 0
            while digits < content.count, let digit = ASCII.hexValue(content[digits]) {
                // 15 digits keep the size well inside UInt64.
                guard digits < 15 else { throw .malformedChunk }
                size = size << 4 | UInt64(digit)
                digits += 1
            }
            guard digits > 0 else { throw .malformedChunk }
            var rest = content[digits...]
            while let first = rest.first, ASCII.isWhitespace(first) { rest = rest.dropFirst() }
            guard rest.isEmpty || (rest.first == ASCII.semicolon && rest.allSatisfy({ ASCII.isFieldValueByte($0) })) else {
                throw .malformedChunk
            }
            return size
        }
    }

    /// Byte classes and comparisons of RFC 9110's grammar.
    enum ASCII {
        static let lineFeed: UInt8 = 0x0A
        static let carriageReturn: UInt8 = 0x0D
        static let space: UInt8 = 0x20
        static let tab: UInt8 = 0x09
        static let colon: UInt8 = 0x3A
        static let semicolon: UInt8 = 0x3B
        static let comma: UInt8 = 0x2C
        static let zero: UInt8 = 0x30

        static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= zero + 9 }

        static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

        static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }

        /// tchar: letters, digits and ``!#$%&'*+-.^_`|~``.
        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
            case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
            default: false
            }
        }

        /// field-vchar, space or tab: anything but control characters (and DEL).
        static func isFieldValueByte(_ byte: UInt8) -> Bool {
            byte == tab || (byte >= space && byte != 0x7F)
        }

        /// Compares `bytes` with a lowercase ASCII `name`, ignoring the case of `bytes`.
        static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            for offset in 0..<bytes.count {
                let byte = bytes[offset]
                let lowered = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                guard lowered == expected[offset] else { return false }
            }
            return true
        }

        /// Compares `bytes` with `name`, case included.
        static func equals(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
            bytes.elementsEqual(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }

        static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            var start = 0
            var end = bytes.count
            while start < end, isWhitespace(bytes[start]) { start += 1 }
            while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
            return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        }

        /// Calls `body` with each element of a comma-separated list, whitespace trimmed; empty
        /// elements are skipped unless `keepingEmpty`.
        static func forEachListElement(
            _ list: UnsafeRawBufferPointer, keepingEmpty: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void
        ) {
            var start = 0
            while start <= list.count {
                let end = list[start...].firstIndex(of: comma) ?? list.count
                let element = trimmingWhitespace(UnsafeRawBufferPointer(rebasing: list[start..<end]))
                if keepingEmpty || !element.isEmpty { body(element) }
                start = end + 1
            }
        }
    }
}
