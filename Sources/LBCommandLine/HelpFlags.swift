import ArgumentParser

/// Refuses `--help` (or `-h`) beside an argument the command does not take.
/// argument-parser answers a help flag before it looks at anything else, so `run --help extra`
/// printed the help screen and exited 0 with `extra` ignored; with this check it exits 64 with
/// the line `run extra` gets. Help beside arguments the command takes is still help, also when
/// they are incomplete or out of range (`report --help`, `run --servers 0 --help`): asking for
/// help is how one finds out what is missing.
public enum HelpFlags {
    /// The flags argument-parser answers with the help screen.
    static let flags: Set<String> = ["--help", "-h"]

    /// The beginnings of the messages for an argument the command does not take, lowercased:
    /// argument-parser's, and `compare`'s own for a word its file list caught.
    static let notTaken = ["unexpected argument", "unknown option"]

    /// When `arguments` hold a help flag before any lone `--`, parses them without their help
    /// flags as `command` (parsing and validating; nothing runs) and rethrows what it throws
    /// for an argument the command does not take (an unexpected argument, an unknown option);
    /// otherwise does nothing.
    ///
    /// - Complexity: O(arguments), plus one parse when a help flag is present.
    public static func check(_ arguments: [String], as command: any ParsableCommand.Type) throws {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        guard arguments[..<end].contains(where: flags.contains) else { return }
        let withoutHelp = arguments[..<end].filter { !flags.contains($0) } + arguments[end...]
        do {
            _ = try command.parseAsRoot(Array(withoutHelp))
        } catch {
            let message = command.message(for: error).lowercased()
            if notTaken.contains(where: message.hasPrefix) { throw error }
        }
    }
}
