import Foundation
import LBReporting

/// The results JSON: pretty-printed with sorted keys, so files diff cleanly.
public enum JSONReport {
    /// The document (a results document, or any other report of ours) as JSON, ending with
    /// a newline.
    ///
    /// - Complexity: O(size of the document): O(runs × servers) for results.
    /// - Throws: `EncodingError` for a non-finite number.
    public static func render(_ document: some Encodable) throws -> String {
        try ReportJSON.render(document)
    }

    /// Reads a results file back.
    ///
    /// - Throws: `DecodingError` when the text is not a results document.
    public static func parse(_ data: Data) throws -> ResultsDocument {
        try JSONDecoder().decode(ResultsDocument.self, from: data)
    }
}
