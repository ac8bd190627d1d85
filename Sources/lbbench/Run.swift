import ArgumentParser
import Foundation
import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

/// `lbbench run` (and plain `lbbench`): runs the matrix and prints the report.
struct Run: ParsableCommand {
    /// The exit status when a selector leaked connections or failed to serve a pick
    /// (`EX_SOFTWARE` of sysexits.h: an internal software error; bad input is 64, `EX_USAGE`).
    static let selectorFailureExitCode: Int32 = 70

    static let configuration = CommandConfiguration(
        abstract: "Drive the selectors with multi-threaded workloads; report pick latency, contention and fairness.",
        discussion: """
            With no options this runs the representative matrix: every selector; 8, 64 and 1,024 servers; \
            1 and 2 threads; the uniform and mixed workloads, plus video at its own size (3 servers weighted \
            2,1,1); \(RunLength.standard). Lists are comma-separated; names are those of 'lbbench list'.

            Exit status: 0 on success; 64 for bad input (one line naming the option, the value and the bound), \
            including a run whose estimated peak memory exceeds --memory-budget; 70 when a selector leaked \
            connections or returned no server (the report is still written).
            """
    )

    @Option(name: .customLong("matrix"), help: """
        A named matrix: 'scaling' (every selector with every lock; 64 and 4,096 servers; 1, 2, 4, 8, 16 and \
        32 threads; uniform and mixed; 0.25 s a cell). Other options given with it replace its dimensions.
        """)
    var namedMatrix: NamedMatrix?

    @Option(help: "Selectors, or 'all' (default: all).")
    var selectors: String?

    @Option(help: "Locks for the lock-based selectors, each run once per lock; lock-free selectors run once without one, and --locks with only lock-free selectors exits 64 (default: \(LockKind.default)).")
    var locks: String?

    @Option(parsing: .unconditional, help: "Server counts, each in \(OptionRange.describe(RunConfiguration.Limits.servers)) (default: 8,64,1024, or a workload's own count such as video's 3).")
    var servers: String?

    @Option(parsing: .unconditional, help: "Thread counts, each in \(OptionRange.describe(RunConfiguration.Limits.threads)) (default: 1,2).")
    var threads: String?

    @Option(help: "Workloads, or 'all' (default: uniform,mixed,video).")
    var workloads: String?

    @Option(parsing: .unconditional, help: "One weight per server; 0 drains a server (default: the workload's own, else all 1).")
    var weights: String?

    @Option(parsing: .unconditional, help: "Connections in flight per cell, all threads together, in \(OptionRange.describe(RunConfiguration.Limits.concurrency)) and at least the thread count (default: servers × the workload's per-server count).")
    var concurrency: Int?

    @Option(parsing: .unconditional, help: "Measured picks per cell, all threads together, in \(OptionRange.describe(RunConfiguration.Limits.picks)). Default: \(RunLength.standard); with --quick: \(RunLength.quick).")
    var picks: Int?

    @Option(parsing: .unconditional, help: "Seconds per cell, in \(OptionRange.describe(RunConfiguration.Limits.seconds)), instead of a number of picks.")
    var seconds: Double?

    @OptionGroup var seed: SeedOption

    @Flag(help: "A short run for CI: the same matrix, \(RunLength.quick).")
    var quick = false

    @OptionGroup var report: ReportOptions<OutputFormat>

    @Option(parsing: .unconditional, help: "Refuse a run whose estimated peak memory exceeds this, e.g. 512MiB or 8GiB (default: \(MemoryBudget.standard), the smaller of 4 GiB and half the physical memory; at most the physical memory).")
    var memoryBudget: MemoryBudget?

    func validate() throws {
        if let problem = (memoryBudget ?? .standard).problem { throw ValidationError(problem) }
        do {
            let matrix = try matrix()
            // Before the cells are built: building them allocates per server.
            try matrix.checkMemory(memoryBudget ?? .standard, keepsPerServer: report.format.needsPerServerFigures)
            _ = try matrix.cells()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The options as the harness's matrix; every list and count is parsed and checked here.
    func matrix() throws(RunConfigurationError) -> MatrixConfiguration {
        if picks != nil && seconds != nil { throw .conflictingLengths }
        if quick && (picks != nil || seconds != nil) {
            throw .quickWithLength(option: picks != nil ? "--picks" : "--seconds")
        }
        var matrix = MatrixConfiguration(seed: seed.seed)
        matrix.selectors = try selectors.map { text throws(RunConfigurationError) in
            try ListParsing.names(text, option: "--selectors", as: SelectorKind.self)
        }
        matrix.locks = try locks.map { text throws(RunConfigurationError) in
            try ListParsing.names(text, option: "--locks", as: LockKind.self)
        }
        matrix.workloads = try workloads.map { text throws(RunConfigurationError) in
            try ListParsing.names(text, option: "--workloads", as: Workload.self)
        }
        matrix.serverCounts = try servers.map { text throws(RunConfigurationError) in
            try RunConfiguration.Limits.serversOption.integers(text)
        }
        matrix.threadCounts = try threads.map { text throws(RunConfigurationError) in
            try RunConfiguration.Limits.threadsOption.integers(text)
        }
        matrix.weights = try weights.map { text throws(RunConfigurationError) in try ListParsing.weights(text) }
        if let concurrency { try RunConfiguration.Limits.concurrencyOption.check(concurrency) }
        matrix.concurrency = concurrency
        if let picks {
            matrix.length = .picks(picks)
        } else if let seconds {
            matrix.length = .seconds(seconds)
        } else if quick {
            matrix.length = .quick
        }
        if let namedMatrix { matrix = matrix.filling(from: namedMatrix.configuration(seed: seed.seed)) }
        return matrix
    }

    func run() throws {
        let cells = try matrix().cells()
        let progress = ProgressLine.ifTerminal()
        let document = try Harness.run(
            cells, keepsPerServer: report.format.needsPerServerFigures, progress: progress.map { line in { line.report($0) } })
        progress?.finish()

        try report.write(try report.format.render(document))

        let problems = document.problems
        if !problems.isEmpty {
            FileHandle.standardError.write(Data(problems.map { "lbbench: \($0)\n" }.joined().utf8))
        }
        if document.selectorFailed {
            let message = "lbbench: FAILED: \(document.leakedConnections) connections leaked; "
                + "a selector lost count of its connections (see the lines above)\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitCode(Self.selectorFailureExitCode)
        }
    }
}
