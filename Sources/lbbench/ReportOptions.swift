import ArgumentParser
import LBCommandLine
import LBHarness
import LBReporting

/// `--format` and `--output`, shared by every command that writes a report: `Format` is the
/// formats the command writes (`OutputFormat`, or `MarkdownOrJSON` for `check`),
/// so `--help` and the refusal of another one (exit 64, one line) name exactly those; the
/// destination is checked for writability before any work starts, and the report written at the
/// end (`ReportOutput`).
struct ReportOptions<Format: ReportFormat>: ParsableArguments {
    @Option(help: "Report format.")
    var format: Format = .markdown

    @Option(help: "Write the report to this file, atomically, instead of standard output; an existing regular file is replaced (keeping its permissions), never one of the command's inputs.")
    var output: String?

    /// Refuses a destination that cannot be written.
    ///
    /// - Throws: `ValidationError` (exit 64).
    func validate() throws {
        try ReportOutput.validate(output)
    }

    /// Refuses an `--output` that names one of `inputs` (by any path, or through a link): the
    /// report would replace what it was made from.
    ///
    /// - Throws: `ValidationError` (exit 64).
    func checkOutput(isNot inputs: [ResultsInputs.File]) throws {
        guard let output, let identity = FileIdentity(path: output),
              let input = inputs.first(where: { $0.identity == identity }) else { return }
        throw ValidationError("--output \(output) is the input \(input.path); the report would replace it: name another file")
    }

    /// Writes `text` to `--output`, or to standard output.
    ///
    /// - Throws: `ExitCode(73)` after one line when the file cannot be written.
    func write(_ text: String) throws {
        try ReportOutput.write(text, to: output)
    }
}

/// `--seed`, shared by every command whose work is random.
struct SeedOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed of every random choice, any integer in 0...\(UInt64.max); the same seed gives the same choices.")
    var seed: UInt64 = 1
}
