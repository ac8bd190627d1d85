import ArgumentParser
import LBCommandLine

/// The `lbbench` command: least-connections selectors, measured. `lbbench` alone is `lbbench run`.
@main
struct LBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbbench",
        abstract: "Measure least-connections server selectors: pick latency, contention and fairness.",
        subcommands: [Run.self, List.self, Simulate.self, Check.self, Report.self, Compare.self, Live.self],
        defaultSubcommand: Run.self
    )

    /// Parses, validates and runs the command; bad input exits 64 with one line (`UsageError`).
    static func main() {
        do {
            var command = try parseChecked(Array(CommandLine.arguments.dropFirst()))
            try command.run()
        } catch {
            UsageError.exit(error, command: Self.self)
        }
    }

    /// `arguments` parsed and validated, after the checks argument-parser does not make: `help`
    /// with more than a subcommand's name, an option given twice (`RepeatedOptions`; `compare`'s
    /// `--base` and `--new` may repeat), and `--help` beside an argument the command does not
    /// take (`HelpFlags`).
    static func parseChecked(_ arguments: [String]) throws -> any ParsableCommand {
        try checkHelpRequest(arguments)
        try RepeatedOptions.check(arguments, repeatable: Compare.repeatableOptions)
        try HelpFlags.check(arguments, as: Self.self)
        return try parseAsRoot(arguments)
    }

    /// Refuses `help` followed by anything but one subcommand's name: argument-parser would
    /// print the top-level help and exit 0 for `help foo` or `help run extra`.
    static func checkHelpRequest(_ arguments: [String]) throws {
        guard arguments.first == "help", arguments.count > 1 else { return }
        let names = configuration.subcommands.map { $0._commandName }
        guard arguments.count == 2, names.contains(arguments[1]) else {
            throw ValidationError("help \(arguments.dropFirst().joined(separator: " ")): name one subcommand, one of "
                + names.joined(separator: ", "))
        }
    }
}
