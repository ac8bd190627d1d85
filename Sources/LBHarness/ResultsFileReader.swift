import Foundation
import LBReporting

/// Reads results files (`lbbench.results/1`), plain JSON or gzip-compressed (`.json.gz`, told
/// apart by their content, not their name), for `lbbench report` and `lbbench compare`.
///
/// - Note: Stateless and thread-safe.
public enum ResultsFileReader {
    /// The results document in `data`, the contents of `file` (named in errors only); gzip is
    /// inflated to at most `inflateLimit` bytes (a caller's memory budget).
    ///
    /// - Complexity: O(size of the decompressed document).
    /// - Throws: `ResultsFileError.notResults` when the bytes are neither a results document
    ///   nor gzip of one, `.otherSchema` for a results document of another schema version.
    public static func document(
        from data: Data, file: String, inflateLimit: Int = GzipDecoder.defaultLimit
    ) throws(ResultsFileError) -> ResultsDocument {
        try decode(json(from: data, file: file, inflateLimit: inflateLimit), file: file)
    }

    /// The JSON text in `data`: `data` itself, or gzip inflated to at most `inflateLimit` bytes.
    ///
    /// - Complexity: O(size of the decompressed text).
    /// - Throws: `ResultsFileError.notResults` for gzip that cannot be inflated within the limit.
    public static func json(from data: Data, file: String, inflateLimit: Int = GzipDecoder.defaultLimit) throws(ResultsFileError) -> Data {
        guard GzipDecoder.isGzip(data) else { return data }
        do { return try GzipDecoder.decompress(data, limit: inflateLimit) } catch {
            let budget = if case .tooLarge = error { " (at most 1 GiB, and what the memory budget leaves for it; see --memory-budget)" } else { "" }
            throw .notResults(file: file, reason: "gzip: \(error.description)\(budget)")
        }
    }

    /// The results document in the JSON text `json`, the contents of `file`.
    ///
    /// - Complexity: O(json.count).
    /// - Throws: `ResultsFileError.notResults`, `.otherSchema`.
    public static func decode(_ json: Data, file: String) throws(ResultsFileError) -> ResultsDocument {
        let document: ResultsDocument
        do { document = try JSONReport.parse(json) } catch {
            throw .notResults(file: file, reason: nil)
        }
        guard document.schema == ResultsDocument.currentSchema else {
            throw .otherSchema(file: file, schema: document.schema)
        }
        if let problem = document.firstProblem { throw .notResults(file: file, reason: problem) }
        return document
    }

    /// The largest results file `document(atPath:)` reads: 1 GiB, as much as `GzipDecoder`
    /// inflates to.
    public static let maximumFileSize = GzipDecoder.defaultLimit

    /// The results document in `file`, read whole. Only a regular file (or a link to one) is
    /// read, so a device or a FIFO named by mistake cannot hang the command or fill memory.
    ///
    /// - Complexity: O(file size + decompressed size).
    /// - Throws: `ResultsFileError.unreadable`, `.notRegularFile`, `.tooLarge`, or what
    ///   `document(from:file:)` throws.
    public static func document(atPath file: String) throws(ResultsFileError) -> ResultsDocument {
        var inputs = try ResultsInputs([file], budget: MemoryBudget(bytes: .max))
        return try inputs.document(at: inputs.files[0])
    }
}

/// Why a results file could not be read; the description is the one line a command prints.
public enum ResultsFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case notRegularFile(file: String)
    case tooLarge(file: String, limit: Int)
    case notResults(file: String, reason: String?)
    case otherSchema(file: String, schema: String)
    /// The inputs together would need more memory than the budget allows.
    case overBudget(MemoryBudget.Excess)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "cannot read '\(file)': \(reason)"
        case .notRegularFile(let file):
            "\(file) is not a regular file (nor a link to one); name a results file"
        case .tooLarge(let file, let limit):
            "\(file) is larger than \(limit) bytes, more than a results file can be"
        case .notResults(let file, let reason):
            "\(file) is not an lbbench.results/1 file (written by 'lbbench --format json', optionally gzipped)"
                + (reason.map { ": \($0)" } ?? "")
        case .otherSchema(let file, let schema):
            "\(file) has schema \(schema); this lbbench reads \(ResultsDocument.currentSchema)"
        case .overBudget(let excess):
            excess.description
        }
    }
}
