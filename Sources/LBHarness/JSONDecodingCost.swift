import Foundation

/// What decoding a JSON text costs in memory at its peak, estimated from the text alone with one
/// pass over its bytes, so that a reader can refuse a document before the decoder allocates.
///
/// The decoder holds the text, a copy of it, and a parsed entry for every value, key and
/// container; a text that packs its values densely (`[1,1,1,…]`, `[[],[],…]`) costs 20–26× its
/// size where an ordinary results file costs about 5×. The estimate counts the structural
/// tokens that start an entry (`,` `:` `[` `{`, outside strings), an upper bound on the entries,
/// at `bytesPerToken` each, plus `copiesOfText` copies of the text. Measured with `/usr/bin/time
/// -v lbbench report FILE --format csv` on 20–30 MB texts of 10 million values each (the Zen 1 EPYC
/// VM, 2026-12-02), peak resident memory less the 21 MB the process holds before reading,
/// less two copies of the text, per token: 37 B for a `weights` array of ones (decoded into the
/// run), 45 for an unknown key holding zeros, 44 for empty strings, 26 for empty arrays or
/// objects (two tokens each).
///
/// - Note: Stateless and thread-safe.
public enum JSONDecodingCost {
    /// Bytes per structural token, above the most measured (45).
    public static let bytesPerToken = 48
    /// Copies of the text the decoder holds at its peak.
    public static let copiesOfText = 2

    /// The estimated peak bytes of decoding `json`, and the structural tokens counted.
    ///
    /// - Complexity: O(json.count), one pass.
    public static func peakBytes(of json: Data) -> (bytes: Int, tokens: Int) {
        let tokens = structuralTokens(in: json)
        let (perToken, overflow) = tokens.multipliedReportingOverflow(by: bytesPerToken)
        let text = json.count.multipliedReportingOverflow(by: copiesOfText)
        let total = perToken.addingReportingOverflow(text.partialValue)
        return (overflow || text.overflow || total.overflow ? .max : total.partialValue, tokens)
    }

    /// The number of `,` `:` `[` `{` outside strings, plus one (the top-level value).
    ///
    /// - Complexity: O(json.count).
    public static func structuralTokens(in json: Data) -> Int {
        json.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in
            var tokens = 1
            var inString = false
            var escaped = false
            for byte in bytes {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "{"): tokens &+= 1
                default: break
                }
            }
            return tokens
        }
    }
}
