import ArgumentParser
import LBHarness

/// `--format`: the report formats, spelled for the command line (so `--help` lists them).
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case markdown
    case json
    case csv

    var reportFormat: ReportFormat {
        switch self {
        case .markdown: .markdown
        case .json: .json
        case .csv: .csv
        }
    }
}
