import ArgumentParser
import Foundation
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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown, json
    }

    @Option(help: "Comma-separated routers: selector names (see `lbbench list`) or `random`. Default: every selector.")
    var selectors: String?

    @Option(help: "Number of servers (default \(DefaultSuite.servers), or the size mix's own farm).")
    var servers: Int?

    @Option(help: """
        Comma-separated server weights, which are also their speeds, each in 1...\(SelectorLimits.maximumWeight) \
        (speeds and their sum are exact doubles, so any ratio is simulated) (default: all 1).
        """)
    var weights: String?

    @Flag(help: "Give the balancers weight 1 for every server; the servers keep their speeds.")
    var unweighted = false

    @Option(help: "Target utilisation ρ in (0, 1) of Poisson arrivals (default \(DefaultSuite.utilization)).")
    var utilization: Double?

    @Option(help: """
        A closed population of this many clients instead of Poisson arrivals: at most the warm-up's requests \
        (a tenth of --jobs), so every client has sent one before measuring starts.
        """)
    var population: Int?

    @Option(help: """
        Mean exponential think time of the closed population between requests (default 0): at most \
        2^32 × population ÷ (1.1 × jobs × the largest weight), so the run spans at most 2^32 service times of \
        the fastest server.
        """)
    var thinkTime: Double?

    @Option(help: "Service discipline: ps (processor sharing, default) or fcfs.")
    var discipline: Discipline?

    @Option(help: "Request sizes: \(RequestSizes.names.joined(separator: ", ")) (default exponential).")
    var sizes: String?

    @Option(help: """
        Requests measured per run, after a warm-up of a tenth as many (default \(DefaultSuite.defaultJobs); \
        \(Simulate.singleFarmJobs) for one farm or --validate).
        """)
    var jobs: Int?

    @Option(help: "Seed of every random choice; the same seed gives the same report.")
    var seed: UInt64 = 1

    @Option(help: "Independent balancers; each request reaches one of them at random (default 1).")
    var balancers: Int?

    @Option(help: """
        Share counts between balancers: each one's view is reset to the true counts every this many time units. \
        Without it, each balancer counts only its own connections.
        """)
    var refresh: Double?

    @Option(help: "Report format.")
    var format: Format = .markdown

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(name: .customLong("validate"), help: "Check the simulator against queueing theory; exits 1 if a check fails.")
    var validation = false

    /// Requests measured per run of a custom farm or of `--validate` when `--jobs` is not given.
    static let singleFarmJobs = 1_000_000

    /// Whether any option describes a farm of the user's own, rather than the default comparison.
    private var describesFarm: Bool {
        servers != nil || weights != nil || unweighted || utilization != nil || population != nil || thinkTime != nil
            || discipline != nil || sizes != nil || balancers != nil || refresh != nil
    }

    func validate() throws {
        if validation && (describesFarm || selectors != nil) {
            throw ValidationError("--validate runs its own farms; combine it only with --jobs, --seed, --format and --output")
        }
        _ = try routers()
        if describesFarm {
            _ = try farm()
        } else {
            try check(SimulationConfiguration(weights: [1], jobs: jobs ?? DefaultSuite.defaultJobs))
        }
        try ReportOutput.validate(output)
    }

    func run() throws {
        let started = MonotonicClock.nanoseconds()
        let text: String
        let requests: Int
        var healthy = true
        if validation {
            let report = try Validation.run(jobs: jobs ?? Self.singleFarmJobs, seed: seed)
            text = format == .json ? report.json().rendered() + "\n" : report.markdown()
            requests = report.simulatedRequests
            healthy = report.passed
        } else {
            let scenarios: [Scenario]
            var notes: [String] = []
            if describesFarm {
                let farm = try farm()
                let routers = try routers() ?? SelectorKind.allCases.map(RouterKind.selector)
                scenarios = [Scenario(id: "custom", title: "Custom farm", runs: routers.map { .init(farm, router: $0) })]
            } else {
                scenarios = DefaultSuite.scenarios(jobs: jobs, seed: seed, routers: try routers())
                notes = selectors == nil ? DefaultSuite.notes : []
            }
            let report = SimulationReport(sections: try scenarios.map { try $0.run() }, notes: notes)
            text = format == .json ? report.json().rendered() + "\n" : report.markdown()
            requests = report.simulatedRequests
            let broken = report.results.filter { !$0.littlesLaw.holds }
            for result in broken {
                let little = result.littlesLaw
                warn("Little's law does not hold for \(result.selector): L = \(little.meanInSystem), "
                    + "λT = \(little.arrivalRateTimesMeanResponse), bound \(little.boundary) (a simulator bug)")
            }
            healthy = broken.isEmpty
        }
        try ReportOutput.write(text, to: output)
        let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        warn("simulated \(requests) requests in \(NumberFormat.fixed(seconds, decimals: 2)) s: "
            + "\(NumberFormat.significant(Double(requests) / seconds / 1e6, digits: 3)) M requests/s")
        if !healthy { throw ExitCode.failure }
    }

    /// `--selectors` as routers; `nil` when not given (every library selector).
    private func routers() throws -> [RouterKind]? {
        guard let selectors else { return nil }
        let names = selectors.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--selectors: give at least one name") }
        return try names.map { name in
            guard let router = RouterKind(name: name) else {
                let known = RouterKind.allCases.map(\.name).joined(separator: ", ")
                throw ValidationError("--selectors: unknown '\(name)'; this build has \(known)")
            }
            return router
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
            try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
                guard let weight = Int(item.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--weights: '\(item)' is not an integer")
                }
                return weight
            }
        }
        if let servers {
            if let given = weights, given.count != servers {
                throw ValidationError("--servers \(servers) but --weights lists \(given.count) servers")
            }
            guard servers >= 1 else { throw ValidationError("--servers must be at least 1, not \(servers)") }
            weights = weights ?? Array(repeating: 1, count: min(servers, SimulationConfiguration.maximumServers + 1))
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
            jobs: jobs ?? Self.singleFarmJobs, seed: seed, balancers: balancers ?? 1, refresh: refresh
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
