import ArgumentParser
import Foundation
import LBHarness
import LBReporting

/// `lbbench report`: renders results files written with `--format json` again, in any format,
/// merging several into one report (how `scripts/publish-results.sh` joins the parts of the
/// published matrix).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render lbbench.results/1 JSON files as one report (merging their runs).",
        discussion: """
            The machine context is the first file's; every file must come from the same machine \
            (CPU, cores, OS, Swift version and build configuration), or the command exits 64. \
            Scaling against one thread is recomputed over the merged runs.
            """
    )

    @Argument(help: "Results files written by 'lbbench --format json'.")
    var files: [String]

    @Option(help: "Report format.")
    var format: ReportFormat = .markdown

    @Option(help: "Write the report to this file, atomically, instead of standard output.")
    var output: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one results file") }
        try ReportOutput.validate(output)
    }

    func run() throws {
        var merged: ResultsDocument?
        var lengths: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let document: ResultsDocument
            do {
                document = try JSONReport.parse(data)
            } catch {
                throw ValidationError("\(file) is not an lbbench.results/1 file (written by 'lbbench --format json')")
            }
            guard document.schema == ResultsDocument.currentSchema else {
                throw ValidationError("\(file) has schema \(document.schema); this lbbench reads \(ResultsDocument.currentSchema)")
            }
            if !lengths.contains(document.length) { lengths.append(document.length) }
            if let first = merged {
                guard first.machine.sameMachine(as: document.machine) else {
                    throw ValidationError("\(file) comes from another machine or build than \(files[0]); report them separately")
                }
                merged?.runs += document.runs
            } else {
                merged = document
            }
        }
        guard var document = merged else { return }
        document.length = lengths.joined(separator: "; ")
        document.runs.sort(by: RunResult.reportOrder)
        document.computeScaling()
        let text = try format.render(document)
        try ReportOutput.write(text, to: output)
    }
}
