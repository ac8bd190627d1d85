import Foundation

/// Reads results files (`lbbench.results/1`), plain JSON or gzip-compressed (`.json.gz`, told
/// apart by their content, not their name), for `lbbench report` and `lbbench compare`.
///
/// - Note: Stateless and thread-safe.
public enum ResultsFileReader {
    /// The results document in `data`, the contents of `file` (named in errors only).
    ///
    /// - Complexity: O(size of the decompressed document).
    /// - Throws: `ResultsFileError.notResults` when the bytes are neither a results document
    ///   nor gzip of one, `.otherSchema` for a results document of another schema version.
    public static func document(from data: Data, file: String) throws(ResultsFileError) -> ResultsDocument {
        var json = data
        if GzipDecoder.isGzip(data) {
            do { json = try GzipDecoder.decompress(data) } catch {
                throw .notResults(file: file, reason: "gzip: \(error.description)")
            }
        }
        let document: ResultsDocument
        do { document = try JSONReport.parse(json) } catch {
            throw .notResults(file: file, reason: nil)
        }
        guard document.schema == ResultsDocument.currentSchema else {
            throw .otherSchema(file: file, schema: document.schema)
        }
        return document
    }

    /// The results document in `file`, read whole.
    ///
    /// - Complexity: O(file size + decompressed size).
    /// - Throws: `ResultsFileError.unreadable`, or what `document(from:file:)` throws.
    public static func document(atPath file: String) throws(ResultsFileError) -> ResultsDocument {
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file: file) }
        return try document(from: data, file: file)
    }
}

/// Why a results file could not be read; the description is the one line a command prints.
public enum ResultsFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String)
    case notResults(file: String, reason: String?)
    case otherSchema(file: String, schema: String)

    public var description: String {
        switch self {
        case .unreadable(let file):
            "cannot read \(file)"
        case .notResults(let file, let reason):
            "\(file) is not an lbbench.results/1 file (written by 'lbbench --format json', optionally gzipped)"
                + (reason.map { ": \($0)" } ?? "")
        case .otherSchema(let file, let schema):
            "\(file) has schema \(schema); this lbbench reads \(ResultsDocument.currentSchema)"
        }
    }
}
