/// The formats a results document can be rendered in.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// A header with the machine context, then one table per workload (`MarkdownReport`).
    case markdown
    /// The results contract, `lbbench.results/1` (`JSONReport`).
    case json
    /// One row per run, machine context in leading `#` lines (`CSVReport`).
    case csv

    /// Whether the format prints each run's per-server figures (`perServer`); only JSON does,
    /// so runs rendered otherwise need not keep them.
    public var needsPerServerFigures: Bool { self == .json }

    /// `document` in this format, ending with a newline.
    ///
    /// - Complexity: O(runs × servers) (JSON and per-server figures); the others O(runs).
    /// - Throws: `EncodingError` from JSON encoding (only for non-finite numbers, which the
    ///   harness does not produce).
    public func render(_ document: ResultsDocument) throws -> String {
        switch self {
        case .markdown: MarkdownReport.render(document)
        case .json: try JSONReport.render(document)
        case .csv: CSVReport.render(document)
        }
    }
}
