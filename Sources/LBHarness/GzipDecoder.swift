import CZlib
import Foundation

/// Decompresses gzip data (`results.json.gz`) in-process with the system zlib.
///
/// Several concatenated gzip members (what `cat a.gz b.gz` makes) decode as one stream, as
/// `gzip -d` does. The output is capped: a small file that inflates without end (a "zip bomb")
/// stops at `limit` bytes with `GzipError.tooLarge` instead of exhausting memory.
///
/// - Note: Stateless and thread-safe; each call owns its own zlib stream.
public enum GzipDecoder {
    /// The largest decompressed size `decompress` accepts by default: 1 GiB, ten times the
    /// largest results file published so far (about 100 MB for 441 cells).
    public static let defaultLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes of every gzip member in `data`.
    ///
    /// - Complexity: O(compressed + decompressed size); memory O(decompressed size), at most
    ///   `limit` bytes plus one 256 KiB chunk.
    /// - Throws: `GzipError.corrupt` for data zlib rejects or that ends mid-stream,
    ///   `GzipError.tooLarge` when the output would exceed `limit` bytes.
    public static func decompress(_ data: Data, limit: Int = defaultLimit) throws(GzipError) -> Data {
        var stream = z_stream()
        // 15 + 16: a 32 KiB window and a gzip header (not zlib's).
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start: \(message(stream))")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let result: Result<Void, GzipError> = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            guard let base = input.bindMemory(to: UInt8.self).baseAddress else { return .failure(.corrupt("empty input")) }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count + produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                output.append(contentsOf: chunk[..<produced])
                switch status {
                case Z_STREAM_END:
                    // Another member follows: start over on the rest of the input.
                    if stream.avail_in == 0 { return .success(()) }
                    guard inflateReset(&stream) == Z_OK else { return .failure(.corrupt(message(stream))) }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.corrupt("the data ends in the middle of the compressed stream"))
                default:
                    return .failure(.corrupt(message(stream)))
                }
            }
        }
        try result.get()
        return output
    }

    private static func message(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
    }
}

/// Why gzip data could not be decompressed.
public enum GzipError: Error, Equatable, CustomStringConvertible {
    /// zlib rejected the data (the reason in zlib's words), or it ended mid-stream.
    case corrupt(String)
    /// The decompressed data would be larger than `limit` bytes.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .corrupt(let reason): "not valid gzip data (\(reason))"
        case .tooLarge(let limit): "decompresses to more than \(limit) bytes"
        }
    }
}
