import LBReporting
import LoadBalancing

/// The ranges of the simulator's numeric inputs that its command line checks before any work
/// starts: each one what the simulator can honour in time, memory or precision.
///
/// - Note: Constants; thread-safe.
public enum SimulationLimits {
    /// Servers: one server model and, per balancer, one selector over every server.
    public static let servers = 1...SimulationConfiguration.maximumServers
    /// Balancers: one selector each (and with `refresh`, a view of every server each).
    public static let balancers = 1...SimulationConfiguration.maximumBalancers
    /// Jobs: at least 10 per batch of the confidence intervals; at most 10⁹, so that every
    /// request a run may number (`SimulationConfiguration.arrivalCap`: the measured jobs, the
    /// tenth as many of warm-up and an unmeasured tail of as many again, 2.2·10⁹) stays within
    /// 32 bits and a run takes minutes, not hours, at a few million requests per second.
    public static let jobs = 300...1_000_000_000
    /// Utilisation ρ of Poisson arrivals. Below 0.001 simulated time outruns a Double's
    /// precision: 10⁹ jobs at ρ = 0.001 on one server end near 10¹² time units, where a Double
    /// still resolves 2·10⁻⁴ of a mean service time, and a smaller ρ would round service times
    /// away. Above 0.999 the queues do not reach steady state within a run (an M/M/1 queue at
    /// ρ = 0.999 holds 999 requests on average, relaxing over millions of service times).
    public static let utilization = 0.001...0.999
    /// The longest one run may spend visiting servers, estimated before it starts, when every
    /// request visits every server (a router that scans) or every balancer (refreshed views,
    /// `refreshSeconds`): about 2 minutes,
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

    /// What one weight-class visit of a router that compares every weight class on a pick
    /// (`SelectorKind.pickVisitsEveryWeightClass`: `buckets`) costs, by the classes each of its
    /// selectors holds. Measured on the Zen 1 EPYC VM, 2026-12-02 (`lbbench simulate --selectors
    /// buckets --weights 1,2,…,W --jobs J`, about 0.9·10⁹ visits a command, its time over
    /// its visits): 5.8 ns at 2,000 classes, 5.9 at 8,192, 7.0 at 20,000 (about the most
    /// distinct weights a command line can carry).
    public static let weightClassVisitCost =
        ScanVisitCost(cachedNanoseconds: 6.5, cachedEntries: 4_096, uncachedNanoseconds: 8, uncachedEntries: 20_000)

    /// What one refresh costs besides its corrections: the event, its schedule and the walk's
    /// set-up; about 0.3 µs measured (1,000 servers × 4 balancers, one refresh a request: 0.46 µs
    /// a request, less its 6 replays and 8 log reads).
    public static let refreshEventNanoseconds = 500.0

    /// What reading one logged pick or release costs a refresh (`BalancerViews` walks the shared
    /// change log back to the balancer's previous refresh; every change is read by every
    /// balancer): about 4 ns measured (100 servers × 1,024 balancers, `random`, one refresh a
    /// request: 8.8 µs a request, nearly all of it the walk of 2,048 entries).
    public static let refreshLogReadNanoseconds = 4.0

    /// What replaying one pick or release into another balancer's selector costs
    /// (`ServerSelector.assign` or `release` on a server of that balancer's view), by the
    /// servers each selector holds: the replay lands on a server whose state that selector has
    /// not touched since its previous refresh. Measured on the Zen 1 EPYC VM, 2026-12-01 (`lbbench
    /// simulate --selectors R --servers N --balancers K --refresh` at one refresh a request,
    /// 0.5–310 µs a request, the run's time less the same run without `--refresh`, less the
    /// refresh events and log reads above, over the 2(K − 1) replays a request makes when no
    /// pick and its release fall between two refreshes of a balancer); the slowest at each size:
    /// `random`, `round-robin` and `nginx-least-conn` (a count and little more per server) 48 ns
    /// at 1,000 servers and 101 at 10,000; every other router (heaps, buckets, ties, stamps) 49 ns
    /// at 300 servers, 242 at 1,000, 354 at 10,000 and 825 at 100,000.    ///
    /// - Complexity: O(1).
    public static func refreshReplayCost(of router: RouterKind) -> ScanVisitCost {
        let countsOnly = router == .random || router == .selector(.roundRobin) || router == .nginxLeastConnections
        return ScanVisitCost(cachedNanoseconds: countsOnly ? 30 : 60, cachedEntries: 256,
                             uncachedNanoseconds: countsOnly ? 150 : 850, uncachedEntries: 100_000)
    }

    /// The estimated seconds a run of `router` on `configuration` spends keeping its balancers'
    /// refreshed views, or 0 without `refresh` or with one balancer. Meant as an upper bound: it assumes
    /// every pick and release reaches every other balancer's selector (no pick and its release
    /// between two refreshes of a balancer), and refreshes as often as the lowest arrival rate
    /// allows. Measured against it (Zen 1 EPYC VM, 2026-12-01; 49 runs of 5,000–100,000 jobs,
    /// 11 routers, 16–1,024 balancers, one or a tenth of a refresh a request): 0.03–1.01 of it,
    /// most 0.3–0.8, the least where most picks and their releases cancel between refreshes
    /// (100 servers × 1,024 balancers, `random`); the refresh work of four runs it put at 20 s
    /// took 5.1, 8.4, 10.9 and about 16 s (the last a 25.3-s run of 100,000 servers, less about
    /// 9 s for the same farm without `--refresh`, scaled from a run of 100,000 jobs).
    ///
    /// - Complexity: O(1).
    public static func refreshSeconds(of router: RouterKind, on configuration: SimulationConfiguration) -> Double {
        guard let period = configuration.refresh, configuration.balancers > 1 else { return 0 }
        let balancers = Double(configuration.balancers)
        let requests = Double(configuration.jobs) + Double(configuration.warmupJobs)
        let rate = configuration.lowestArrivalRate ?? .infinity
        let refreshesPerRequest = min(1, balancers / (rate * period))
        let replay = refreshReplayCost(of: router).nanoseconds(entries: configuration.weights.count)
        let nanoseconds = refreshesPerRequest * refreshEventNanoseconds + 2 * balancers * refreshLogReadNanoseconds
            + 2 * (balancers - 1) * replay
        return requests * nanoseconds * 1e-9
    }

    /// The weight classes (distinct positive weights) `router` compares on every pick, or 0 for a
    /// router that does not (`SelectorKind.pickVisitsEveryWeightClass`).
    ///
    /// - Complexity: O(servers) expected for such a router, O(1) otherwise.
    static func classesVisited(by router: RouterKind, on configuration: SimulationConfiguration) -> Int {
        guard case let .selector(kind) = router, kind.pickVisitsEveryWeightClass else { return 0 }
        return SelectorKind.weightClasses(in: configuration.weights)
    }

    /// Refuses a run of `router` on `configuration` whose requests (warm-up included) would
    /// spend longer than `maximumScanSeconds` visiting servers when the router scans every
    /// server once a request (`scanVisitCost`), or weight classes when it compares every class
    /// (`weightClassVisitCost`), plus keeping the balancers' refreshed views (`refreshSeconds`).
    ///
    /// - Complexity: O(1); O(servers) expected for a router that compares weight classes.
    public static func checkWork(of router: RouterKind, on configuration: SimulationConfiguration) throws(SimulationError) {
        let servers = configuration.weights.count
        let requests = configuration.jobs.addingReportingOverflow(configuration.warmupJobs).partialValue
        let entries = servers.multipliedReportingOverflow(by: configuration.balancers)
        let views = entries.overflow ? Int.max : entries.partialValue
        let scan = scanVisitCost(of: router)
        let classes = classesVisited(by: router, on: configuration)
        // Each balancer's selector holds the classes.
        let classProduct = classes.multipliedReportingOverflow(by: configuration.balancers)
        let classEntries = classProduct.overflow ? Int.max : classProduct.partialValue
        let scanSeconds = scan.map { $0.seconds(visits: Double(requests) * Double(servers), entries: views) }
            ?? weightClassVisitCost.seconds(visits: Double(requests) * Double(classes), entries: classEntries)
        let refreshSeconds = refreshSeconds(of: router, on: configuration)
        let seconds = scanSeconds + refreshSeconds
        guard seconds > maximumScanSeconds else { return }
        let counts = configuration.balancers == 1
            ? "\(servers) servers" : "\(servers) servers × \(configuration.balancers) balancers"
        var why: [String] = []
        if let scan {
            let nanoseconds = scan.nanoseconds(entries: views)
            let uncached = views > scan.cachedEntries ? "; the counts of \(counts) outgrow the caches" : ""
            why.append("\(router.name) scans all \(servers) servers on every request "
                + "(\(NumberFormat.significant(nanoseconds, digits: 2)) ns a server visited\(uncached): "
                + "\(NumberFormat.duration(scanSeconds)))")
        }
        if classes > 0 {
            let nanoseconds = weightClassVisitCost.nanoseconds(entries: classEntries)
            why.append("\(router.name) compares all \(classes) weight classes (distinct weights) on every request "
                + "(\(NumberFormat.significant(nanoseconds, digits: 2)) ns a class visited: \(NumberFormat.duration(scanSeconds)))")
        }
        if refreshSeconds > 0 {
            why.append("refreshed views replay each pick and release into the other \(configuration.balancers - 1) "
                + "balancers' selectors (\(NumberFormat.duration(refreshSeconds)))")
        }
        throw .invalidConfiguration(
            "--jobs \(configuration.jobs): \(requests) requests (a tenth more for the warm-up) would take about "
                + "\(NumberFormat.duration(seconds)), and a run may take at most \(NumberFormat.duration(maximumScanSeconds)): "
                + "\(why.joined(separator: ", and ")); give fewer --jobs, --servers, distinct --weights or --balancers")
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
