import ArgumentParser
import Foundation
import LBReporting

/// `--output` of every subcommand of `lbbench` and of `lbbench-live` (and its
/// `--output-directory`): checked before any work starts (a bad destination exits 64 naming
/// the option, the value and the problem), written at the end through `AtomicFile` (a write
/// that fails then exits 73, `EX_CANTCREAT`, with one line), or standard output when no file is
/// given.
public enum ReportOutput {
    /// `EX_CANTCREAT` from `sysexits.h`: the output file could not be written.
    public static let cannotCreateExitCode: Int32 = 73

    /// Test hook: with this variable set, the process stops once the temporary file exists
    /// and waits for a signal (whatever signal mask it inherited: a test runner's threads
    /// block some), so a test can interrupt a write at a known moment.
    public static let holdTemporaryFileVariable = "LBBENCH_TEST_HOLD_TEMPORARY_FILE"

    /// Refuses a destination that cannot be written, before the run.
    ///
    /// - Throws: `ValidationError` (exit 64).
    public static func validate(_ output: String?) throws {
        guard let output else { return }
        do { try AtomicFile.checkWritable(output) } catch { throw ValidationError(message(output, error, option: "--output")) }
    }

    /// Writes `text` to `output`, or to standard output when it is `nil`; `option` names the
    /// file in the message.
    ///
    /// - Throws: `ExitCode(73)` after one line on standard error when the file cannot be written.
    public static func write(_ text: String, to output: String?, option: String = "--output") throws {
        guard let output else {
            print(text, terminator: "")
            return
        }
        try write([(text, output)], option: option)
    }

    /// Writes several files as a set (`AtomicFile`: all written before any replaces its
    /// destination); `option` names them in the message (`--output-directory`).
    ///
    /// - Throws: `ExitCode(73)` after one line on standard error when a file cannot be written.
    public static func write(_ files: [(text: String, path: String)], option: String) throws {
        do {
            try AtomicFile.write(files, afterCreatingTemporaryFile: holdIfTesting)
        } catch {
            FileHandle.standardError.write(Data("Error: \(message(error.path, error, option: option))\n".utf8))
            throw ExitCode(cannotCreateExitCode)
        }
    }

    private static func message(_ output: String, _ error: AtomicFile.WriteError, option: String) -> String {
        "\(option) '\(output)': \(error.problem)"
    }

    private static func holdIfTesting(_ temporary: String) {
        guard ProcessInfo.processInfo.environment[holdTemporaryFileVariable] != nil else { return }
        FileHandle.standardError.write(Data("holding \(temporary)\n".utf8))
        var anySignal = sigset_t()
        sigemptyset(&anySignal)
        while true { sigsuspend(&anySignal) }
    }
}
