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
            within each machine. A file named twice is read once. Files (plain or .json.gz) are read \
            whole, so their total size is bounded by --memory-budget (decoding holds about \
            \(Report.memoryPerFileByte) bytes per byte of JSON); larger inputs are refused before they are read.

            Exit status: 0 on success; 64 for bad input (one line).
            """
    )

    @Argument(help: "Results files written by 'lbbench --format json', plain or gzipped.")
    var files: [String]

    @Flag(help: "Merge runs from different machines or builds, with a machine column.")
    var allowMixedMachines = false

    @OptionGroup var report: ReportOptions

    @Option(help: "Refuse inputs whose decoding would exceed this, e.g. 512MiB or 8GiB (default: \(MemoryBudget.standard)).")
    var memoryBudget: MemoryBudget?

    /// Peak memory per byte of results JSON while it is decoded and rendered (the text, the
    /// parser's values and the decoded runs): measured 4.8 with `/usr/bin/time -v` on the
    /// published 100 MB results file, in Markdown and in JSON.
    static let memoryPerFileByte = 6

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one results file") }
        if let problem = (memoryBudget ?? .standard).problem { throw ValidationError(problem) }
    }

    /// The files, each named once, and their total size, after checking that each is a regular
    /// file and that their total size fits the memory budget: nothing is read before that.
    /// (A gzipped file is budgeted again as it inflates, in `run()`.)
    private func sizedInputs() throws -> (files: [String], bytes: Int) {
        var unique: [String] = []
        var seen: Set<String> = []
        var total = 0
        for file in files where seen.insert(file).inserted {
            let attributes: [FileAttributeKey: Any]
            do {
                attributes = try FileManager.default.attributesOfItem(atPath: file)
            } catch {
                throw ValidationError("cannot read \(file): no such file or no permission")
            }
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw ValidationError("\(file) is not a regular file; report reads results files written with --format json")
            }
            total = total.addingReportingOverflow((attributes[.size] as? NSNumber)?.intValue ?? 0).partialValue
            unique.append(file)
        }
        let (estimate, overflow) = total.multipliedReportingOverflow(by: Self.memoryPerFileByte)
        do {
            try (memoryBudget ?? .standard).check(
                estimate: overflow ? .max : estimate, what: "reading the inputs",
                detail: "\(MemoryBudget.format(total)) of JSON × \(Self.memoryPerFileByte)")
        } catch {
            throw ValidationError(error.description)
        }
        return (unique, total)
    }

    func run() throws {
        var merged: ResultsDocument?
        var lengths: [String] = []
        let (files, plainBytes) = try sizedInputs()
        let inflateBudget = max(0, (memoryBudget ?? .standard).bytes - plainBytes * Self.memoryPerFileByte)
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let document: ResultsDocument
            do {
                // Compressed inputs are budgeted as they inflate: what the plain files leave.
                document = try ResultsFileReader.document(
                    from: data, file: file, inflateLimit: inflateBudget / Self.memoryPerFileByte)
            } catch {
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
        try report.write(try report.format.render(document))
    }
}
