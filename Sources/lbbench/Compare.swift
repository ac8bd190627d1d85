import ArgumentParser
import Foundation
import LBHarness
import LBReporting

/// `lbbench compare BASE NEW`: two sets of results files, cell by cell, as ratios new ÷ base
/// (`ResultsComparison`); exits 1 with `--fail-on-regression` when a cell regressed.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare results cell by cell: ratios new ÷ base, moves beyond a noise band flagged.",
        discussion: """
            Name one results file per side (lbbench compare BASE NEW), or several with --base and --new. \
            Files are lbbench.results/1 JSON, plain or gzipped. Cells are matched by selector, lock, \
            workload, servers, threads, concurrency and weights; cells found on one side only are listed. \
            Exits 64 on unusable input, 1 when --fail-on-regression is given and a cell regressed.
            """
    )

    /// Bounds of the percentages: wide enough for any real change, narrow enough to be a typo check.
    static let percentRange = 0.0...1_000.0

    /// The options a command line may give more than once (`RepeatedOptions`): a side of the
    /// comparison may hold several files.
    static let repeatableOptions: Set<String> = ["--base", "--new"]

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The base results file, then the new one.", valueName: "base-and-new"))
    var files: [String] = []

    @Option(name: .customLong("base"), help: ArgumentHelp("A base results file (repeatable).", valueName: "file"))
    var baseFiles: [String] = []

    @Option(name: .customLong("new"), help: ArgumentHelp("A new results file (repeatable).", valueName: "file"))
    var newFiles: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Noise band in percent, 0 to 1000: ratios within 1 ± PCT/100 are not flagged.",
                               valueName: "pct"))
    var noise = 10.0

    @Option(parsing: .unconditional, help: ArgumentHelp("Exit 1 when a cell's picks/s falls, or its pick p99 rises, by more than PCT "
                               + "percent, 0 to 1000.", valueName: "pct"))
    var failOnRegression: Double?

    @OptionGroup var report: ReportOptions<OutputFormat>

    @Option(parsing: .unconditional, help: "Refuse inputs whose decoding would exceed this, e.g. 512MiB or 8GiB, a bare number in MiB (default: \(MemoryBudget.standard)).")
    var memoryBudget: MemoryBudget?

    func validate() throws {
        // Unrecognized words reach `files` (so that an unknown option is named here, not
        // counted as a file): a file whose name starts with '-' is given as ./NAME.
        if let unknown = files.first(where: { $0.hasPrefix("-") }) {
            throw ValidationError("unknown option '\(unknown)' (a file whose name starts with '-' is given as ./\(unknown))")
        }
        if let problem = (memoryBudget ?? .standard).problem { throw ValidationError(problem) }
        if files.isEmpty {
            if baseFiles.isEmpty || newFiles.isEmpty {
                throw ValidationError("name the base and the new results: BASE NEW, or --base FILE... --new FILE...")
            }
        } else if files.count != 2 || !baseFiles.isEmpty || !newFiles.isEmpty {
            throw ValidationError("give exactly two files (BASE NEW), or only --base and --new; got \(files.count) "
                + "positional file(s) with \(baseFiles.count) --base and \(newFiles.count) --new")
        }
        try Self.checkPercent(noise, option: "--noise")
        if let failOnRegression { try Self.checkPercent(failOnRegression, option: "--fail-on-regression") }
    }

    func run() throws {
        // A file named twice on one side (by any spelling, or through a link) counts once there,
        // as in `report`; one file may still be on both sides.
        let (base, new) = files.isEmpty
            ? (FileIdentity.distinct(baseFiles), FileIdentity.distinct(newFiles)) : ([files[0]], [files[1]])
        let comparison: ResultsComparison
        do {
            // Both sides checked and budgeted together; one file may be on both sides.
            var inputs = try ResultsInputs(base + new, budget: memoryBudget ?? .standard)
            try report.checkOutput(isNot: inputs.files)
            let files = inputs.files
            let documents = try files.map { ($0.path, try inputs.document(at: $0)) }
            comparison = try ResultsComparison(
                base: Array(documents.prefix(base.count)), new: Array(documents.dropFirst(base.count)),
                noisePercent: noise, failOnRegressionPercent: failOnRegression)
        } catch let error as ResultsFileError {
            throw ValidationError(error.description)
        } catch let error as ComparisonError {
            throw ValidationError(error.description)
        }
        try report.write(try report.format.render(comparison))
        if comparison.hasRegression { throw ExitCode(1) }
    }

    private static func checkPercent(_ value: Double, option: String) throws {
        guard percentRange.contains(value) else {
            throw ValidationError("\(option) \(value) is out of range: give a percentage from 0 to 1000")
        }
    }
}
