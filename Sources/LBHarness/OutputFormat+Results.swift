import LBReporting

extension OutputFormat {
    /// Whether the format prints each run's per-server figures (`perServer`); only JSON does,
    /// so runs rendered otherwise need not keep them.
    package var needsPerServerFigures: Bool { self == .json }

    /// A results document in this format, ending with a newline: a header with the machine
    /// context, then one table per workload (`MarkdownReport`); the results contract,
    /// `lbbench.results/1` (`JSONReport`); or one row per run, machine context in leading
    /// `#` lines (`CSVReport`).
    ///
    /// - Complexity: O(runs × servers) (JSON and per-server figures); the others O(runs).
    /// - Throws: `EncodingError` from JSON encoding (only for non-finite numbers, which the
    ///   harness does not produce).
    package func render(_ document: ResultsDocument) throws -> String {
        switch self {
        case .markdown: MarkdownReport.render(document)
        case .json: try JSONReport.render(document)
        case .csv: CSVReport.render(document)
        }
    }
}
