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
            within each machine. A file named twice (by any path, or through a link) is read once, and a run \
            repeated in another file (a copy) is reported once, with a note on standard error. Files (plain or .json.gz) are read \
            whole, so their total size is bounded by --memory-budget (decoding holds about \
            \(ResultsInputs.memoryPerFileByte) bytes per byte of JSON); larger inputs are refused before they are read.

            Exit status: 0 on success; 64 for bad input (one line).
            """
    )

    @Argument(help: "Results files written by 'lbbench --format json', plain or gzipped.")
    var files: [String]

    @Flag(help: "Merge runs from different machines or builds, with a machine column.")
    var allowMixedMachines = false

    @OptionGroup var report: ReportOptions<OutputFormat>

    @Option(parsing: .unconditional, help: "Refuse inputs whose decoding would exceed this, e.g. 512MiB or 8GiB (default: \(MemoryBudget.standard)).")
    var memoryBudget: MemoryBudget?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one results file") }
        if let problem = (memoryBudget ?? .standard).problem { throw ValidationError(problem) }
    }

    func run() throws {
        var merged: ResultsDocument?
        var lengths: [String] = []
        var inputs: ResultsInputs
        do {
            inputs = try ResultsInputs(FileIdentity.distinct(files), budget: memoryBudget ?? .standard)
            try report.checkOutput(isNot: inputs.files)
        } catch let error as ResultsFileError {
            throw ValidationError(error.description)
        }
        for file in inputs.files {
            let document: ResultsDocument
            do {
                document = try inputs.document(at: file)
            } catch {
                throw ValidationError(error.description)
            }
            if !lengths.contains(document.length) { lengths.append(document.length) }
            if let first = merged {
                guard allowMixedMachines || first.machine.sameMachine(as: document.machine) else {
                    throw ValidationError("\(file.path) comes from another machine or build than \(inputs.files[0].path); "
                        + "report them separately or pass --allow-mixed-machines")
                }
                let repeats = merged?.merge(document) ?? 0
                if repeats > 0 {
                    FileHandle.standardError.write(Data(("note: \(file.path) repeats \(repeats) of \(document.runs.count) runs "
                        + "already read (a copy of an earlier file?); each is reported once\n").utf8))
                }
            } else {
                merged = document
            }
        }
        guard var document = merged else { return }
        document.length = lengths.joined(separator: "; ")
        document.runs.sort(by: RunResult.reportOrder)
        document.computeScaling()
        try report.write(try report.format.render(document))
    }
}
