import ArgumentParser

/// The `lbbench` command: least-connections selectors, measured. `lbbench` alone is `lbbench run`.
@main
struct LBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbbench",
        abstract: "Measure least-connections server selectors: pick latency, contention and fairness.",
        subcommands: [Run.self, List.self, Simulate.self, Check.self, Report.self, Compare.self],
        defaultSubcommand: Run.self
    )
}
