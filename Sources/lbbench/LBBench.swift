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
            try checkHelpRequest(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot()
            try command.run()
        } catch {
            UsageError.exit(error, command: Self.self)
        }
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
