/// The formats `lbbench compare` writes.
public enum ComparisonFormat: String, CaseIterable, Sendable {
    /// Both machines, the band, a summary line, then one table row per cell (`ComparisonMarkdown`).
    case markdown
    /// `lbbench.compare/1` (`ResultsComparison` encoded by `JSONReport`).
    case json
    /// One row per cell, the machines in leading `#` lines (`ComparisonCSV`).
    case csv

    /// `comparison` in this format, ending with a newline.
    ///
    /// - Complexity: O(cells).
    /// - Throws: `EncodingError` from JSON encoding (only for non-finite numbers).
    public func render(_ comparison: ResultsComparison) throws -> String {
        switch self {
        case .markdown: ComparisonMarkdown.render(comparison)
        case .json: try JSONReport.render(comparison)
        case .csv: ComparisonCSV.render(comparison)
        }
    }
}
