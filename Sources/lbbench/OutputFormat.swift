import ArgumentParser
import LBHarness
import LBReporting

/// What `--format` parses into: the formats one command writes, spelled by their raw values
/// (so `--help` and a refusal list them), each one of the reports' `OutputFormat`s.
protocol ReportFormat: ExpressibleByArgument, CaseIterable, Sendable {
    /// Markdown, every command's default.
    static var markdown: Self { get }
    /// The report format this one is.
    var outputFormat: OutputFormat { get }
}

// `run`, `report`, `compare` and `simulate` write every format.
extension OutputFormat: ReportFormat {
    var outputFormat: OutputFormat { self }
}

/// The formats of `check`, which has no CSV form (its verdicts are sentences).
enum MarkdownOrJSON: String, ReportFormat {
    case markdown
    case json

    var outputFormat: OutputFormat {
        switch self {
        case .markdown: .markdown
        case .json: .json
        }
    }
}

// `--matrix` takes the harness's named matrices, spelled by their raw values.
extension NamedMatrix: ExpressibleByArgument {}
