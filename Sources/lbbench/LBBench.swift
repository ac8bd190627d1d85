import ArgumentParser

/// The `lbbench` command: least-connections selectors, measured.
@main
struct LBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbbench",
        abstract: "Measure least-connections server selectors: pick latency, contention and fairness.",
        subcommands: [List.self, Simulate.self],
        defaultSubcommand: List.self
    )
}
