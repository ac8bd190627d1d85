import ArgumentParser
import Foundation
import LBCommandLine
import LBHarness
import LBLive
import LBReporting
import LBWorkloads
import LoadBalancing

/// `lbbench-live`: the selectors on real sockets, next to HAProxy and nginx. A product of its
/// own so that building `lbbench` never compiles SwiftNIO; the work is in `LBLive`.
@main
struct LBBenchLive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbbench-live",
        abstract: "Real sockets on loopback: backends with a capacity model, an open-loop load generator, and lbbench's "
            + "proxy, HAProxy and nginx balancing them side by side.",
        discussion: """
            Starts HTTP/1.1 backends on 127.0.0.1 (processor sharing at a speed = weight, or FCFS with slots) and puts \
            each balancer and algorithm in front of them under the same Poisson load (or a closed loop), measuring every \
            request's latency itself. By default (open traffic) all rows run side by side, each on its own copy of the \
            farm, every request sent to every row at the same instant, so noise on the machine lands on all rows alike; \
            --schedule sequential runs them one after another (the default for a closed loop). HAProxy and nginx run from configurations lbbench-live writes and are stopped \
            by PID (also on Ctrl-C, SIGTERM or a closed terminal; a watchdog process stops them if lbbench-live is killed or crashes); when one is not installed the report says so (scripts/install-live-peers.sh installs \
            both). Each least-connections / round-robin row carries the simulator's prediction for the same farm and load \
            (none for zero work or FCFS with several slots). \
            The default run (mixed sizes, 4 backends weighted 2,1,1,1) takes under 3 minutes.
            Exit status: 0 on success; 64 for bad input (one line naming the option); 1 when a backend or lbbench's proxy \
            cannot start.
            """
    )

    /// Parses, validates and runs the command; bad input found while parsing exits 64 with one
    /// line, as `lbbench` does (`UsageError`), not with the usage screen.
    static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            try RepeatedOptions.check(arguments)
            try HelpFlags.check(arguments, as: Self.self)
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            UsageError.exit(error, command: Self.self)
        }
    }

    /// The library's defaults, which the options show and start from.
    private static let defaults = LiveConfiguration()
    private static var defaultUtilization: Double {
        if case let .open(utilization) = defaults.traffic { utilization } else { preconditionFailure("open traffic by default") }
    }

    @Option(help: "Comma-separated balancers: \(BalancerChoice.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var balancers: String?

    @Option(help: "Comma-separated selectors for lbbench's proxy (see `lbbench list`; default \(defaults.selectors.map(\.rawValue).joined(separator: ","))).")
    var selectors: String?

    @Option(parsing: .unconditional, help: "Comma-separated backend weights, which are also their speeds (default \(defaults.weights.map(String.init).joined(separator: ","))).")
    var weights: String?

    @Option(help: "Backend capacity model: ps (processor sharing) or fcfs (with --slots).")
    var capacity: String = "ps"

    @Option(parsing: .unconditional, help: "FCFS slots per backend, each serving at speed ÷ slots, in 1...\(CapacitySpecification.maximumSlots).")
    var slots: Int = 1

    @Option(help: "Request sizes: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sizes: String = defaults.workload.rawValue

    @Option(parsing: .unconditional, help: "Target utilisation ρ of Poisson arrivals, in \(OptionRange.describe(LiveConfiguration.utilization)) (default \(OptionRange.describe(defaultUtilization))).")
    var utilization: Double?

    @Option(parsing: .unconditional, help: "A closed loop of this many clients instead of Poisson arrivals, in 1...\(LiveConfiguration.maximumPopulation).")
    var population: Int?

    @Option(parsing: .unconditional, help: "Mean exponential think time of the closed loop, in milliseconds, in 0...\(OptionRange.describe(LiveConfiguration.maximumSeconds * 1000)) (default 0; only with --population).")
    var thinkTimeMs: Double?

    @Option(parsing: .unconditional, help: "Milliseconds of work in a mean-size request on a speed-1 backend, 0 or in \(OptionRange.describe(LiveConfiguration.unitMilliseconds)); 0 = zero work (closed loop only).")
    var unitMs: Double = defaults.unit * 1000

    @Option(parsing: .unconditional, help: "Seconds of load before measuring, in 0...\(OptionRange.describe(LiveConfiguration.maximumSeconds)).")
    var warmup: Double = defaults.warmup

    @Option(parsing: .unconditional, help: "Seconds measured per balancer and algorithm, in 0.1...\(OptionRange.describe(LiveConfiguration.maximumSeconds)).")
    var duration: Double = defaults.duration

    @Option(help: "together (rows side by side, each on its own copy of the farm) or sequential (default: together for Poisson arrivals, sequential for --population).")
    var schedule: String?

    @Option(parsing: .unconditional, help: "Equal segments of the measurement window for the segment-by-segment comparison, in 1...\(LiveConfiguration.maximumSegments).")
    var segments: Int = defaults.segments

    @Option(parsing: .unconditional, help: "Seconds to wait for outstanding requests after the window, in 0...\(OptionRange.describe(LiveConfiguration.maximumSeconds)).")
    var drain: Double = defaults.drain

    @Option(parsing: .unconditional, help: "The most requests sent per balancer and algorithm, in 1...\(LiveConfiguration.maximumRequestsBound).")
    var maxRequests: Int = defaults.maximumRequests

    @Option(parsing: .unconditional, help: "The most client connections the load generator opens to each balancer, in 1...\(LiveConfiguration.maximumConnectionsBound).")
    var maxConnections: Int = defaults.maximumConnections

    @Option(parsing: .unconditional, help: "Event-loop threads of lbbench's proxy, in 1...\(LiveConfiguration.maximumThreads) (HAProxy and nginx get one worker each).")
    var proxyThreads: Int = defaults.proxyThreads

    @Option(parsing: .unconditional, help: "The balancers' port on 127.0.0.1, in 1024...65535 (default: a free one); a busy port is refused.")
    var port: Int?

    @Option(parsing: .unconditional, help: "Seed of arrivals and sizes, in 0...\(UInt64.max); every balancer gets the same requests.")
    var seed: UInt64 = defaults.seed

    @Option(help: "Report format: markdown, json (lbbench.live/1) or csv.")
    var format: String = "markdown"

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(help: "Write the report in every format into this existing directory: live.md, live.json, live.csv (all written before any is replaced).")
    var outputDirectory: String?

    func validate() throws {
        _ = try usage { try liveConfiguration() }
        _ = try usage { try reportFormat() }
        if let output {
            try usage { do { try AtomicFile.checkWritable(output) } catch { throw LiveUsageError("--output: \(error)") } }
        }
        if let outputDirectory {
            try usage {
                if output != nil { throw LiveUsageError("--output-directory: give either it or --output") }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: outputDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw LiveUsageError("--output-directory \(outputDirectory): not an existing directory")
                }
                for path in Self.directoryFiles(outputDirectory).map(\.path) {
                    do { try AtomicFile.checkWritable(path) } catch { throw LiveUsageError("--output-directory: \(error)") }
                }
            }
        }
    }

    /// The files `--output-directory` writes, one per format.
    private static func directoryFiles(_ directory: String) -> [(path: String, format: OutputFormat)] {
        [("\(directory)/live.md", .markdown), ("\(directory)/live.json", .json), ("\(directory)/live.csv", .csv)]
    }

    func run() async throws {
        let configuration = try liveConfiguration()
        let report: LiveReport
        do {
            report = try await LiveRunner.run(configuration) { line in
                FileHandle.standardError.write(Data("lbbench-live: \(line)\n".utf8))
            }
        } catch let error as LiveConfigurationError {
            try usage { throw LiveUsageError(error.description) }
            return
        } catch {
            FileHandle.standardError.write(Data("lbbench-live: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if let outputDirectory {
            // As a set: a file that cannot be written leaves all three as they were.
            let files = try Self.directoryFiles(outputDirectory).map { (text: try report.rendered($0.format), path: $0.path) }
            try ReportOutput.write(files, option: "--output-directory")
            return
        }
        let text = try report.rendered(reportFormat())
        try ReportOutput.write(text, to: output)
    }

    private func liveConfiguration() throws -> LiveConfiguration {
        var configuration = LiveConfiguration()
        if let balancers { configuration.balancers = try choices(balancers, option: "--balancers", of: BalancerChoice.self) }
        if let selectors {
            configuration.selectors = try choices(selectors, option: "--selectors", of: SelectorKind.self)
            configuration.selectorsGiven = true
        }
        if let weights {
            configuration.weights = try listed { () throws(RunConfigurationError) in
                try ListParsing.integers(
                    weights, option: "--weights", in: 1...LiveConfiguration.maximumWeight,
                    reason: "a backend's weight is its speed", keepingRepeats: true)
            }
        }
        switch capacity {
        case "ps":
            if slots != 1 { throw LiveUsageError("--slots \(slots): only with --capacity fcfs") }
            configuration.capacity = .processorSharing
        case "fcfs": configuration.capacity = .firstComeFirstServed(slots: slots)
        default: throw LiveUsageError("--capacity \(capacity): must be ps or fcfs")
        }
        configuration.workload = try choice(sizes, option: "--sizes", of: Workload.self)
        if let population {
            if utilization != nil {
                throw LiveUsageError("--utilization is for Poisson arrivals; a closed --population sets its own load")
            }
            configuration.traffic = .closed(population: population, thinkTime: (thinkTimeMs ?? 0) / 1000)
        } else {
            if let thinkTimeMs { throw LiveUsageError("--think-time-ms \(OptionRange.describe(thinkTimeMs)): only with --population") }
            configuration.traffic = .open(utilization: utilization ?? Self.defaultUtilization)
        }
        configuration.unit = unitMs / 1000
        configuration.warmup = warmup
        configuration.duration = duration
        configuration.drain = drain
        configuration.maximumRequests = maxRequests
        configuration.maximumConnections = maxConnections
        configuration.proxyThreads = proxyThreads
        configuration.port = port
        configuration.seed = seed
        configuration.schedule = try schedule.map { try choice($0, option: "--schedule", of: LiveSchedule.self) }
        configuration.segments = segments
        do { try configuration.validate() } catch { throw LiveUsageError(error.description) }
        return configuration
    }

    private func reportFormat() throws -> OutputFormat {
        try choice(format, option: "--format", of: OutputFormat.self)
    }

    /// `name` as one of `Choice`'s cases, or bad input listing them all.
    private func choice<Choice: RawRepresentable<String> & CaseIterable>(
        _ name: String, option: String, of _: Choice.Type
    ) throws -> Choice {
        guard let value = Choice(rawValue: name) else {
            throw LiveUsageError("\(option) \(name): unknown; one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A comma-separated list of `Choice`'s cases, by the rules of every command (`ListParsing`).
    private func choices<Choice: RawRepresentable<String> & CaseIterable>(
        _ list: String, option: String, of type: Choice.Type
    ) throws -> [Choice] {
        try listed { () throws(RunConfigurationError) in try ListParsing.names(list, option: option, as: type) }
    }

    /// `parse`'s list, its error as bad input.
    private func listed<Item>(_ parse: () throws(RunConfigurationError) -> [Item]) throws -> [Item] {
        do throws(RunConfigurationError) { return try parse() } catch { throw LiveUsageError(error.description) }
    }

    /// Runs `body`; bad input becomes a `ValidationError`, which `main()` writes as one line
    /// on standard error with exit status 64 (`UsageError`).
    @discardableResult
    private func usage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LiveUsageError {
            throw ValidationError(error.description)
        }
    }
}

/// Bad input, said in one line.
struct LiveUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
