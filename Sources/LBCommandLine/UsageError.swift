import ArgumentParser
import Foundation

/// How every command reports bad input: one line on standard error, exit status 64
/// (`EX_USAGE`), never the usage screen, whether the problem is found while parsing, in
/// `validate()`, or inside `run()` (as `report` finds a bad file).
public enum UsageError {
    /// Exits for `error` the way `ParsableCommand.exit(withError:)` does, except that a usage
    /// error (exit status 64) prints `line(for:)` instead of the message and the usage screen.
    /// Help, version and other statuses are left to argument-parser.
    public static func exit(_ error: any Error, command: any ParsableCommand.Type) -> Never {
        guard let line = line(for: error, command: command) else { command.exit(withError: error) }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }

    /// The one line for a usage error: `Error: <message>`, followed for a value that did not
    /// parse by the option's help in parentheses (which states its range). `nil` when `error`
    /// is not a usage error (help, a clean exit, an `ExitCode`, a failure).
    ///
    /// - Complexity: O(length of the message and the usage screen).
    public static func line(for error: any Error, command: any ParsableCommand.Type) -> String? {
        guard command.exitCode(for: error) == .validationFailure else { return nil }
        let lines = command.fullMessage(for: error, columns: 100_000).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let kept = lines.prefix { !$0.hasPrefix("Usage:") }.filter { !$0.isEmpty && !$0.hasPrefix("See '") }
        let message = kept.map { line in
            line.hasPrefix("Help:") ? "(" + line.dropFirst(5).trimmingCharacters(in: .whitespaces) + ")" : line
        }.joined(separator: " ")
        return message.hasPrefix("Error: ") ? message : "Error: \(message)"
    }
}
