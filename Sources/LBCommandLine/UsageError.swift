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
    /// parse by the option's help in parentheses (which states its range). The message's line
    /// breaks and other control characters, which only an echoed value can bring, are escaped
    /// (`\n`, `\u{1b}`), so a value holding `\nUsage:` cannot cut the line; the usage screen
    /// after the message is dropped. `nil` when `error` is not a usage error (help, a clean
    /// exit, an `ExitCode`, a failure).
    ///
    /// - Complexity: O(length of the message and the usage screen).
    public static func line(for error: any Error, command: any ParsableCommand.Type) -> String? {
        guard command.exitCode(for: error) == .validationFailure else { return nil }
        let full = command.fullMessage(for: error, columns: 100_000)
        let message = command.message(for: error)
        // argument-parser writes the message first, then the option's help and the usage screen.
        var rest = Substring(full)
        var parts: [String] = []
        if !message.isEmpty, let range = full.range(of: message) {
            parts.append(escapingControlCharacters(message).trimmingCharacters(in: .whitespaces))
            rest = full[range.upperBound...]
        }
        let lines = rest.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let kept = lines.prefix { !$0.hasPrefix("Usage:") }.filter { !$0.isEmpty && !$0.hasPrefix("See '") }
        parts += kept.map { line in
            line.hasPrefix("Help:") ? "(" + line.dropFirst(5).trimmingCharacters(in: .whitespaces) + ")" : line
        }
        let text = parts.joined(separator: " ")
        return text.hasPrefix("Error: ") ? text : "Error: \(text)"
    }

    /// `text` with each control character, line or paragraph separator written as an escape:
    /// `\n`, `\r`, `\t`, else `\u{hex}`.
    ///
    /// - Complexity: O(length of `text`).
    public static func escapingControlCharacters(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let special: String? = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default:
                switch scalar.properties.generalCategory {
                case .control, .lineSeparator, .paragraphSeparator: "\\u{\(String(scalar.value, radix: 16))}"
                default: nil
                }
            }
            if let special { escaped.append(contentsOf: special.unicodeScalars) } else { escaped.append(scalar) }
        }
        return String(escaped)
    }
}
