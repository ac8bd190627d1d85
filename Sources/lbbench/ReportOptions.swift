import ArgumentParser
import LBHarness
import LBReporting

/// `--format` and `--output`, shared by every command that writes a report: the format is
/// checked against the ones the command writes and the destination for writability before any
/// work starts (exit 64, one line); the report is written at the end (`ReportOutput`).
struct ReportOptions: ParsableArguments {
    @Option(help: "Report format (check and simulate write markdown or json).")
    var format: OutputFormat = .markdown

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

    /// Refuses a format the command does not write.
    ///
    /// - Throws: `ValidationError` (exit 64) naming the formats it does write.
    func check(formats: [OutputFormat]) throws {
        guard formats.contains(format) else {
            throw ValidationError("--format \(format.rawValue): this command writes "
                + formats.map(\.rawValue).joined(separator: " or "))
        }
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
