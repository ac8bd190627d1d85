import ArgumentParser
import Foundation
import LBHarness
import LBReporting
import LBSimulation
import LoadBalancing

/// `lbbench simulate`: a discrete-event simulation of a server farm behind the library's
/// selectors, answering what a selector buys in response time. The work is in `LBSimulation`;
/// this file only turns flags into a configuration and writes the report.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a server farm behind each selector: does least connections lower response time?",
        discussion: """
            With no farm options, runs the default comparison (mixed, heavy-tail and equal sizes; the weighted video \
            farm; several balancers). With any farm option, runs that one farm instead. Either way --selectors picks \
            the routers (default: every library selector). Times are in units of the mean request's service time on a \
            weight-1 server. --validate checks the simulator against queueing theory instead.
            """
    )

    @Option(help: """
        Comma-separated routers: selector names (see `lbbench list`), `random`, the models of HAProxy's and nginx's \
        least connections `haproxy-leastconn` (weights 1...\(HAProxyLeastConnectionsRouter.maximumWeight), as HAProxy's) and \
        `nginx-least-conn`, or `all` (every selector, random and both models). Default: every selector.
        """)
    var selectors: String?

    @Option(parsing: .unconditional, help: "Number of servers, in \(OptionRange.describe(SimulationLimits.servers)) (default \(DefaultSuite.servers), or the size mix's own farm).")
    var servers: Int?

    @Option(parsing: .unconditional, help: """
        Comma-separated server weights, which are also their speeds, each in 1...\(SelectorLimits.maximumWeight) \
        (speeds and their sum are exact doubles, so any ratio is simulated) (default: all 1).
        """)
    var weights: String?

    @Flag(help: "Give the balancers weight 1 for every server; the servers keep their speeds.")
    var unweighted = false

    @Option(parsing: .unconditional, help: "Target utilisation ρ of Poisson arrivals, in \(OptionRange.describe(SimulationLimits.utilization)) (default \(DefaultSuite.utilization)).")
    var utilization: Double?

    @Option(parsing: .unconditional, help: """
        A closed population of this many clients instead of Poisson arrivals: at most the warm-up's requests \
        (a tenth of --jobs), so every client has sent one before measuring starts.
        """)
    var population: Int?

    @Option(parsing: .unconditional, help: """
        Mean exponential think time of the closed population between requests (default 0): at most \
        2^32 × population ÷ (1.1 × jobs × the largest weight), so the run spans at most 2^32 service times of \
        the fastest server.
        """)
    var thinkTime: Double?

    @Option(help: "Service discipline: ps (processor sharing, default) or fcfs.")
    var discipline: Discipline?

    @Option(help: "Request sizes: \(RequestSizes.names.joined(separator: ", ")) (default exponential).")
    var sizes: String?

    @Option(parsing: .unconditional, help: """
        Requests measured per run, in \(OptionRange.describe(SimulationLimits.jobs)), after a warm-up of a tenth as many (default \(DefaultSuite.defaultJobs); \
        \(Simulate.singleFarmJobs) for one farm or --validate; --validate takes at least \(Validation.minimumJobs)).
        """)
    var jobs: Int?

    @OptionGroup var seed: SeedOption

    @Option(parsing: .unconditional, help: "Independent balancers, in \(OptionRange.describe(SimulationLimits.balancers)); each request reaches one of them at random (default 1).")
    var balancers: Int?

    @Option(parsing: .unconditional, help: """
        Share counts between balancers: each one's view is reset to the true counts every this many time units, \
        at least balancers / arrival rate (at most one refresh per request) and at most \
        \(OptionRange.describe(SimulationLimits.maximumRefresh)). Without it, each balancer counts only its own connections.
        """)
    var refresh: Double?

    @OptionGroup var report: ReportOptions<OutputFormat>

    @Flag(name: .customLong("validate"), help: "Check the simulator against queueing theory; exits 1 if a check fails.")
    var validation = false

    @Option(parsing: .unconditional, help: "Refuse a farm whose estimated peak memory exceeds this, e.g. 512MiB or 8GiB (default: \(MemoryBudget.standard), the smaller of 4 GiB and half the physical memory).")
    var memoryBudget: MemoryBudget?

    /// Requests measured per run of a custom farm or of `--validate` when `--jobs` is not given.
    static let singleFarmJobs = 1_000_000

    /// Whether any option describes a farm of the user's own, rather than the default comparison.
    private var describesFarm: Bool {
        servers != nil || weights != nil || unweighted || utilization != nil || population != nil || thinkTime != nil
            || discipline != nil || sizes != nil || balancers != nil || refresh != nil
    }

    func validate() throws {
        if validation && (describesFarm || selectors != nil) {
            throw ValidationError("--validate runs its own farms; combine it only with --jobs, --seed, --memory-budget, --format and --output")
        }
        if let problem = (memoryBudget ?? .standard).problem { throw ValidationError(problem) }
        try checkRanges()
        _ = try routers()
        if describesFarm {
            try checkCost(try farm())
        } else {
            try check(SimulationConfiguration(weights: [1], jobs: jobs ?? DefaultSuite.defaultJobs))
        }
        if validation {
            if let jobs, jobs < Validation.minimumJobs {
                throw ValidationError("--jobs \(jobs) is too few for --validate: at least \(Validation.minimumJobs), so that the "
                    + "warm-up (a tenth) puts about 10 requests on each of its \(Validation.supermarketServers) servers")
            }
            let cases = Validation.cases(jobs: jobs ?? Self.singleFarmJobs, seed: seed.seed)
            do {
                try SimulationLimits.checkTotal(cases.flatMap(\.runs))
            } catch {
                throw ValidationError(error.description)
            }
            for run in cases.flatMap(\.runs) { try checkMemory(run) }
            return
        }
        let runs = try scenarios().flatMap(\.runs)
        do {
            try SimulationLimits.checkTotal(runs.map(\.configuration))
        } catch {
            throw ValidationError(error.description)
        }
        for run in runs {
            do {
                try run.router.check(weights: run.configuration.balancerWeights)
                try SimulationLimits.checkWork(of: run.router, on: run.configuration)
            } catch {
                throw ValidationError(error.description)
            }
            // The default comparison's farms are checked here; a farm of the user's own was
            // checked above, with its refresh period.
            if !describesFarm { try checkMemory(run.configuration) }
        }
    }

    func run() throws {
        let started = MonotonicClock.nanoseconds()
        let text: String
        let requests: Int
        var healthy = true
        let progress = ProgressLine.ifTerminal()
        // Erased once the runs are done, before any other output; the deferred call covers errors.
        defer { progress?.finish() }
        func showProgress(_ index: Int, _ count: Int, _ what: String) {
            let elapsed = Double(MonotonicClock.nanoseconds() - started) / 1e9
            progress?.show("run \(index + 1) of \(count): \(what), \(Int(elapsed.rounded())) s elapsed")
        }
        if validation {
            let report = try Validation.run(jobs: jobs ?? Self.singleFarmJobs, seed: seed.seed) { validationCase, index, count in
                showProgress(index, count, validationCase.name)
            }
            progress?.finish()
            text = report.rendered(self.report.format)
            requests = report.simulatedRequests
            healthy = report.passed
        } else {
            let scenarios = try scenarios()
            let runCount = scenarios.reduce(0) { $0 + $1.runs.count }
            var runsStarted = 0
            let sections = try scenarios.map { scenario in
                try scenario.run { run in
                    showProgress(runsStarted, runCount, "\(scenario.id), \(run.router.name)")
                    runsStarted += 1
                }
            }
            progress?.finish()
            let report = SimulationReport(sections: sections)
            text = report.rendered(self.report.format)
            requests = report.simulatedRequests
            let broken = report.results.filter { !$0.littlesLaw.holds }
            for result in broken {
                let little = result.littlesLaw
                warn("Little's law does not hold for \(result.selector): L = \(little.meanInSystem), "
                    + "λT = \(little.arrivalRateTimesMeanResponse), bound \(little.boundary) (a simulator bug)")
            }
            healthy = broken.isEmpty
        }
        try report.write(text)
        let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        warn("simulated \(requests) requests in \(NumberFormat.fixed(seconds, decimals: 2)) s: "
            + "\(NumberFormat.significant(Double(requests) / seconds / 1e6, digits: 3)) M requests/s")
        if !healthy { throw ExitCode.failure }
    }

    /// The scenarios to run: the farm the options describe with every router, or the default
    /// comparison. Nothing is run.
    private func scenarios() throws -> [Scenario] {
        guard describesFarm else { return DefaultSuite.scenarios(jobs: jobs, seed: seed.seed, routers: try routers()) }
        let farm = try farm()
        let routers = try routers() ?? SelectorKind.allCases.map(RouterKind.selector)
        return [Scenario(id: "custom", title: "Custom farm", runs: routers.map { .init(farm, router: $0) })]
    }

    /// `--selectors` as routers; `nil` when not given (every library selector).
    func routers() throws -> [RouterKind]? {
        guard let selectors else { return nil }
        do {
            return try ListParsing.names(selectors, option: "--selectors", all: RouterKind.allCases, name: \.name)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The numeric options this command bounds itself, each against its `SimulationLimits`
    /// range, before any farm is built.
    private func checkRanges() throws {
        do throws(RunConfigurationError) {
            // A missing option (nil) takes its default, which is in range.
            let counts: [(option: String, value: Int?, range: ClosedRange<Int>, reason: String)] = [
                ("--servers", servers, SimulationLimits.servers, "one selector per balancer over every server"),
                ("--jobs", jobs, SimulationLimits.jobs,
                 "10 per confidence batch at least; at most 10⁹, so that requests with the warm-up and the unmeasured tail stay 32-bit numbers"),
                ("--balancers", balancers, SimulationLimits.balancers, "one selector per balancer"),
            ]
            for count in counts {
                if let value = count.value {
                    try OptionRange.check(value, option: count.option, in: count.range, reason: count.reason)
                }
            }
            try utilization.map { value throws(RunConfigurationError) in
                try OptionRange.check(value, option: "--utilization", in: SimulationLimits.utilization,
                                      reason: "below, simulated times lose precision; above, queues never settle")
            }
            if let refresh, !(refresh > 0 && refresh <= SimulationLimits.maximumRefresh) {
                throw .outOfRange(option: "--refresh", value: OptionRange.describe(refresh),
                                  range: "(0, \(OptionRange.describe(SimulationLimits.maximumRefresh))]",
                                  reason: "a positive period; longer ones never come within a run")
            }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Refuses a farm whose refresh period is shorter than one refresh per request, or whose
    /// estimated peak memory exceeds the budget.
    private func checkCost(_ farm: SimulationConfiguration) throws {
        if let refresh, let rate = farm.lowestArrivalRate {
            let minimum = SimulationLimits.minimumRefresh(balancers: farm.balancers, arrivalRate: rate)
            if refresh < minimum {
                throw ValidationError(RunConfigurationError.outOfRange(
                    option: "--refresh", value: OptionRange.describe(refresh),
                    range: "\(NumberFormat.significant(Self.roundedUpToThreeDigits(minimum), digits: 3))..."
                        + OptionRange.describe(SimulationLimits.maximumRefresh),
                    reason: "at least balancers / arrival rate: at most one refresh per request").description)
            }
        }
        try checkMemory(farm)
    }

    /// `value` (positive) rounded up at its third significant digit: the lower bound a refusal
    /// states must itself be accepted (0.2222… shown as 0.222 named a value it refuses; 0.223).
    ///
    /// - Complexity: O(1).
    static func roundedUpToThreeDigits(_ value: Double) -> Double {
        let scale = pow(10, 2 - (log10(value)).rounded(.down))
        return (value * scale).rounded(.up) / scale
    }

    /// Refuses a farm whose estimated peak memory exceeds the budget, with one line naming the
    /// estimate's terms and `--memory-budget`.
    ///
    /// - Complexity: O(n).
    private func checkMemory(_ farm: SimulationConfiguration) throws {
        do {
            try (memoryBudget ?? .standard).check(estimate: farm.estimatedPeakBytes, what: "the farm", detail: farm.estimateDetail)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The farm the options describe.
    private func farm() throws -> SimulationConfiguration {
        let sizes = try self.sizes.map { name in
            guard let sizes = RequestSizes(name: name) else {
                throw ValidationError("--sizes: unknown '\(name)'; choose from \(RequestSizes.names.joined(separator: ", "))")
            }
            return sizes
        } ?? .exponential
        var weights = try self.weights.map { list in
            do throws(RunConfigurationError) {
                return try ListParsing.integers(
                    list, option: "--weights", in: 1...SelectorLimits.maximumWeight,
                    reason: "a simulated server's weight is its speed", keepingRepeats: true)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let servers {
            if let given = weights, given.count != servers {
                throw ValidationError("--servers \(servers) but --weights lists \(given.count) servers")
            }
            guard servers >= 1 else { throw ValidationError("--servers must be at least 1, not \(servers)") }
            weights = weights ?? Array(repeating: 1, count: min(servers, SimulationLimits.servers.upperBound))
        }
        let traffic: Traffic
        if let population {
            if utilization != nil {
                throw ValidationError("--utilization is for Poisson arrivals; a closed --population sets its own load")
            }
            traffic = .closed(population: population, thinkTime: thinkTime ?? 0)
        } else {
            if thinkTime != nil { throw ValidationError("--think-time needs --population") }
            traffic = .open(utilization: utilization ?? DefaultSuite.utilization)
        }
        if refresh != nil && (balancers ?? 1) < 2 {
            throw ValidationError("--refresh models counts shared between balancers; give --balancers 2 or more")
        }
        let configuration = SimulationConfiguration(
            weights: weights ?? sizes.defaultWeights ?? Array(repeating: 1, count: DefaultSuite.servers),
            unweighted: unweighted, traffic: traffic, discipline: discipline ?? .ps, sizes: sizes,
            jobs: jobs ?? Self.singleFarmJobs, seed: seed.seed, balancers: balancers ?? 1, refresh: refresh
        )
        try check(configuration)
        return configuration
    }

    private func check(_ configuration: SimulationConfiguration) throws {
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension Discipline: ExpressibleByArgument {}
