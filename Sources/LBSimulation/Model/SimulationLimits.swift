import LBReporting

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
    /// The longest one run may spend visiting servers, estimated before it starts, when every
    /// request visits every server (a router that scans, or refreshed views): about 2 minutes,
    /// where `--servers 100000 --jobs 1000000000 --selectors nginx-least-conn` would take
    /// weeks.
    public static let maximumScanSeconds = 120.0

    /// What one server visit of `router`'s pick costs in a run, or `nil` for a router that does
    /// not scan; cached while servers × balancers (each balancer scans its own counts) stay
    /// within 4,096, uncached from 65,536. Measured on the Zen 1 EPYC VM, 2026-12-01, the
    /// slowest machine seen (`lbbench simulate --selectors R --servers N --jobs J`, 1.5–3·10⁹
    /// visits a run, the whole run's time over its visits): at 1,024–4,096 servers
    /// `linear-scan` 1.4–1.7 ns, `atomic-scan` 3.3–3.5, `sharded` 4.1–4.3,
    /// `haproxy-leastconn` 2.0–2.5, `nginx-least-conn` 6.2–7.4; at 8,192 2.0, 4.9, 6.6, 3.4
    /// and 10.9; from 16,384 to 100,000 2.6–2.7, 6.5–14.3, 8.0–11.3, 3.3–3.6 and 12.4–16.3 ns.
    /// Checked against whole runs estimated at 20 s: they took 13–18 s.
    ///
    /// - Complexity: O(1).
    public static func scanVisitCost(of router: RouterKind) -> ScanVisitCost? {
        guard router.pickScansEveryServer else { return nil }
        let (cached, uncached) = switch router {
        case .selector(.linearScan): (1.7, 2.7)
        case .selector(.sharded): (4.3, 11.5)
        case .haproxyLeastConnections: (2.5, 3.7)
        case .nginxLeastConnections: (7.4, 16.5)
        // `atomic-scan`, and a scanning selector not measured yet, as the slowest library scan.
        default: (3.5, 14.5)
        }
        return ScanVisitCost(
            cachedNanoseconds: cached, cachedEntries: 4_096, uncachedNanoseconds: uncached, uncachedEntries: 65_536)
    }

    /// What copying one server's count into a balancer's refreshed view costs: 0.6 ns while all
    /// views together hold at most 2²⁰ counts (8 MiB), 20 times that from 2²² (measured 22:
    /// 10,000 servers with `--refresh` at one refresh per request, `random`, the same 220,000
    /// requests: 21.9 s with 1,024 balancers, 1.0 s with 64, on an earlier machine).
    ///
    /// - Note: Not what a refresh costs with many balancers and few servers: `BalancerViews`
    ///   marks every other view on each pick and release (O(K)) and a refresh replays up to
    ///   min(n, changes) servers after sorting them. Measured on the Zen 1 VM (2026-12-01,
    ///   `--selectors random`, `--refresh` at one refresh per request, the run's time less the
    ///   same run without `--refresh`): 100 servers × 1,024 balancers 15.6 µs a request (this
    ///   model: 0.06 µs), 1,000 × 256 50.7 µs (0.6), 1,000 × 64 8.9 µs (0.6), 1,000 × 4 0.67 µs.
    public static let refreshVisitCost =
        ScanVisitCost(cachedNanoseconds: 0.6, cachedEntries: 1 << 20, uncachedNanoseconds: 12, uncachedEntries: 1 << 22)

    /// Refuses a run of `router` on `configuration` whose requests (warm-up included) would
    /// spend longer than `maximumScanSeconds` visiting servers: every request visits every
    /// server once when the router scans (`scanVisitCost`) and once more when the balancers'
    /// views are refreshed (at most once per request, `refreshVisitCost`).
    ///
    /// - Complexity: O(1).
    public static func checkWork(of router: RouterKind, on configuration: SimulationConfiguration) throws(SimulationError) {
        let scan = scanVisitCost(of: router)
        let refresh = configuration.refresh == nil ? nil : refreshVisitCost
        guard scan != nil || refresh != nil else { return }
        let servers = configuration.weights.count
        let requests = configuration.jobs.addingReportingOverflow(configuration.warmupJobs).partialValue
        let entries = servers.multipliedReportingOverflow(by: configuration.balancers)
        let views = entries.overflow ? Int.max : entries.partialValue
        let nanoseconds = (scan?.nanoseconds(entries: views) ?? 0) + (refresh?.nanoseconds(entries: views) ?? 0)
        let seconds = Double(requests) * Double(servers) * nanoseconds * 1e-9
        guard seconds > maximumScanSeconds else { return }
        let why = scan != nil ? "\(router.name) scans all \(servers) servers on every request"
            : "refreshed views copy all \(servers) servers' counts up to once a request"
        let outgrown = [scan, refresh].contains { cost in cost.map { views > $0.cachedEntries } ?? false }
        let counts = configuration.balancers == 1
            ? "\(servers) servers" : "\(servers) servers × \(configuration.balancers) balancers"
        let uncached = outgrown ? "; the counts of \(counts) outgrow the caches" : ""
        throw .invalidConfiguration(
            "--jobs \(configuration.jobs): \(why), and \(requests) requests (a tenth more for the warm-up) would take about "
                + "\(NumberFormat.duration(seconds)) (\(NumberFormat.significant(nanoseconds, digits: 2)) ns a server visited"
                + "\(uncached)), and a run may scan for at most \(NumberFormat.duration(maximumScanSeconds)); give fewer --jobs, "
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
