import ArgumentParser
import LBCommandLine

/// The `lbbench` command: least-connections selectors, measured. `lbbench` alone is `lbbench run`.
@main
struct LBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbbench",
        abstract: "Measure least-connections server selectors: pick latency, contention and fairness.",
        subcommands: [Run.self, List.self, Simulate.self, Check.self, Report.self, Compare.self],
        defaultSubcommand: Run.self
    )

    /// Parses, validates and runs the command; bad input exits 64 with one line (`UsageError`).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            UsageError.exit(error, command: Self.self)
        }
    }
}
