import LBReporting

extension OutputFormat {
    /// A comparison in this format, ending with a newline: both machines, the band, a summary
    /// line, then one table row per cell (`ComparisonMarkdown`); `lbbench.compare/1`
    /// (`ResultsComparison` encoded by `JSONReport`); or one row per cell, the machines in
    /// leading `#` lines (`ComparisonCSV`).
    ///
    /// - Complexity: O(cells).
    /// - Throws: `EncodingError` from JSON encoding (only for non-finite numbers).
    package func render(_ comparison: ResultsComparison) throws -> String {
        switch self {
        case .markdown: ComparisonMarkdown.render(comparison)
        case .json: try JSONReport.render(comparison)
        case .csv: ComparisonCSV.render(comparison)
        }
    }
}
