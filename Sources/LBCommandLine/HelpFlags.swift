import ArgumentParser

/// Refuses `--help` (or `-h`) beside arguments the command would refuse without it.
/// argument-parser answers a help flag before it looks at anything else, so `run --help extra`
/// printed the help screen and exited 0 with `extra` ignored; with this check it exits 64 with
/// the line `run extra` gets. Help beside arguments that parse (`run --servers 8 --help`) is
/// still help.
public enum HelpFlags {
    /// The flags argument-parser answers with the help screen.
    static let flags: Set<String> = ["--help", "-h"]

    /// When `arguments` hold a help flag before any lone `--`, parses them without their help
    /// flags through `parse` (which parses and validates, and runs nothing), so that what it
    /// refuses is refused here; otherwise does nothing.
    ///
    /// - Complexity: O(arguments), plus `parse` when a help flag is present.
    public static func check(_ arguments: [String], parse: ([String]) throws -> Void) throws {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        guard arguments[..<end].contains(where: flags.contains) else { return }
        try parse(arguments[..<end].filter { !flags.contains($0) } + arguments[end...])
    }
}
