/// The ranges of the simulator's numeric inputs that its command line checks before any work
/// starts: each one what the simulator can honour in time, memory or precision.
///
/// - Note: Constants; thread-safe.
public enum SimulationLimits {
    /// Servers: one server model and, per balancer, one selector over every server.
    public static let servers = 1...SimulationConfiguration.maximumServers
    /// Balancers: one selector each (and with `refresh`, a view of every server each).
    public static let balancers = 1...SimulationConfiguration.maximumBalancers
    /// Jobs: at least 10 per batch of the confidence intervals; at most 10⁹, so that the
    /// measured jobs and the tenth as many of warm-up stay 32-bit request numbers and a run
    /// takes minutes, not hours, at a few million requests per second.
    public static let jobs = 300...1_000_000_000
    /// Utilisation ρ of Poisson arrivals. Below 0.001 simulated time outruns a Double's
    /// precision: 10⁹ jobs at ρ = 0.001 on one server end near 10¹² time units, where a Double
    /// still resolves 2·10⁻⁴ of a mean service time, and a smaller ρ would round service times
    /// away. Above 0.999 the queues do not reach steady state within a run (an M/M/1 queue at
    /// ρ = 0.999 holds 999 requests on average, relaxing over millions of service times).
    public static let utilization = 0.001...0.999
    /// The most servers one run may visit when every request visits every server (a router
    /// that scans, or refreshed views): about 2 minutes at the 0.6 ns a server measured for
    /// `linear-scan` at 100,000 servers (15,900 requests/s), where `--jobs 10⁹` would take 19 hours.
    public static let maximumServerVisits = 200_000_000_000

    /// The most per-server entries all balancers together may hold before a visit is counted
    /// as `outOfCacheVisitCost` visits: 2²⁰ (8 MiB of counts), about what the caches hold.
    public static let cachedEntries = 1 << 20
    /// What one visit costs, in cached visits, once the balancers' entries outgrow the caches:
    /// measured 22 (10,000 servers with `--refresh` at one refresh per request, `random`, the
    /// same 220,000 requests: 21.9 s with 1,024 balancers, 1.0 s with 64).
    public static let outOfCacheVisitCost = 20

    /// Refuses a run of `router` on `configuration` whose requests (warm-up included) would
    /// visit more than `maximumServerVisits` servers: every request when the router scans or the
    /// balancers' views are refreshed (at most once per request), each visit counted
    /// `outOfCacheVisitCost` times when servers × balancers outgrow `cachedEntries`.
    ///
    /// - Complexity: O(1).
    public static func checkWork(of router: RouterKind, on configuration: SimulationConfiguration) throws(SimulationError) {
        guard router.pickScansEveryServer || configuration.refresh != nil else { return }
        let servers = configuration.weights.count
        let requests = configuration.jobs.addingReportingOverflow(configuration.warmupJobs).partialValue
        let entries = servers.multipliedReportingOverflow(by: configuration.balancers)
        let cost = entries.overflow || entries.partialValue > cachedEntries ? outOfCacheVisitCost : 1
        let visits = requests.multipliedReportingOverflow(by: servers)
        let weighted = visits.partialValue.multipliedReportingOverflow(by: cost)
        guard visits.overflow || weighted.overflow || weighted.partialValue > maximumServerVisits else { return }
        let why = router.pickScansEveryServer ? "\(router.name) scans all \(servers) servers on every request"
            : "refreshed views copy all \(servers) servers' counts up to once a request"
        let slower = cost > 1 ? " (each visit counting \(cost): \(servers) servers × \(configuration.balancers) balancers outgrow the caches)" : ""
        throw .invalidConfiguration(
            "--jobs \(configuration.jobs): \(why), and \(requests) requests (a tenth more for the warm-up) would visit "
                + "more than the \(maximumServerVisits) servers a run may (about 2 minutes)\(slower); give fewer --jobs, "
                + "--servers or --balancers")
    }

    /// The most requests one command may simulate over all its runs, warm-ups included: about
    /// 45 minutes at the 3.9 M requests/s of the default comparison here (`--jobs 10⁹` with every
    /// router and scenario would take about 10 hours).
    public static let maximumRequestsPerCommand = 10_000_000_000

    /// Refuses `runs` whose requests, warm-ups included, add up to more than
    /// `maximumRequestsPerCommand`.
    ///
    /// - Complexity: O(runs).
    public static func checkTotal(_ runs: [SimulationConfiguration]) throws(SimulationError) {
        let total = runs.reduce(0) { $0.addingReportingOverflow($1.jobs.addingReportingOverflow($1.warmupJobs).partialValue).partialValue }
        guard total > maximumRequestsPerCommand, let jobs = runs.first?.jobs else { return }
        throw .invalidConfiguration(
            "--jobs \(jobs): \(runs.count) runs would simulate \(total) requests in all (a tenth more each for the "
                + "warm-up), more than the \(maximumRequestsPerCommand) one command may (about 45 minutes); give fewer "
                + "--jobs or --selectors")
    }

    /// The longest refresh period: beyond it no run of at most 10⁹ jobs sees a refresh.
    public static let maximumRefresh = 1e12

    /// The shortest refresh period a run may have: every balancer refreshes at most once per
    /// `balancers` requests on average (`balancers / arrival rate`), so refreshes never
    /// outnumber requests and a run's cost still grows with its jobs, not its simulated time.
    ///
    /// - Parameter arrivalRate: requests per time unit, or for a closed population a lower
    ///   bound of its throughput.
    public static func minimumRefresh(balancers: Int, arrivalRate: Double) -> Double {
        Double(balancers) / arrivalRate
    }
}
