import ArgumentParser
import Foundation
import LBHarness
import LBReporting

/// `lbbench report`: renders results files written with `--format json` again, in any format,
/// merging several into one report (how `scripts/publish-results.sh` joins the parts of the
/// published matrix).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render lbbench.results/1 JSON files (or .json.gz) as one report (merging their runs).",
        discussion: """
            The machine context is the first file's; every file must come from the same machine \
            (CPU, cores, OS without the kernel release, Swift version and build configuration), or \
            the command exits 64. With --allow-mixed-machines, runs from other machines are merged \
            with a machine column. Scaling against one thread is recomputed over the merged runs, \
            within each machine.
            """
    )

    @Argument(help: "Results files written by 'lbbench --format json', plain or gzipped.")
    var files: [String]

    @Flag(help: "Merge runs from different machines or builds, with a machine column.")
    var allowMixedMachines = false

    @Option(help: "Report format.")
    var format: ReportFormat = .markdown

    @Option(help: "Write the report to this file, atomically, instead of standard output.")
    var output: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one results file") }
        if let output {
            do { try AtomicFile.checkWritable(output) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        var merged: ResultsDocument?
        var lengths: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let document: ResultsDocument
            do { document = try ResultsFileReader.document(from: data, file: file) } catch {
                throw ValidationError(error.description)
            }
            if !lengths.contains(document.length) { lengths.append(document.length) }
            if let first = merged {
                guard allowMixedMachines || first.machine.sameMachine(as: document.machine) else {
                    throw ValidationError("\(file) comes from another machine or build than \(files[0]); "
                        + "report them separately or pass --allow-mixed-machines")
                }
                merged?.merge(document)
            } else {
                merged = document
            }
        }
        guard var document = merged else { return }
        document.length = lengths.joined(separator: "; ")
        document.runs.sort(by: RunResult.reportOrder)
        document.computeScaling()
        let text = try format.render(document)
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            print(text, terminator: "")
        }
    }
}
