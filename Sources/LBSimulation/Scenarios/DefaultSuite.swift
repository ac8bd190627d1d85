import LoadBalancing
import LBReporting

/// What `lbbench simulate` runs with no farm options: the seed article's argument, as numbers.
///
/// 1. `mixed` sizes (99% short requests, 1% exports 6 000× longer) and 2. `heavy-tail` sizes:
///    least connections against round robin on p99 response time.
/// 3. `deterministic` sizes: where round robin is as good, and cheaper.
/// 4. The `video` farm (weights 2, 1, 1): each selector weighted against itself unweighted, at
///    ρ = 0.9 and at light load, ρ = 0.3, where servers are often idle and only the tie rule
///    can send the weight-2 server its share.
/// 5. Several balancers, on their own counts or on shared counts refreshed every Δ: how far
///    each selector degrades, and which one herds.
///
/// Every scenario runs every library selector (`SelectorKind.allCases`), so a selector added
/// to the library appears without changes here.
public enum DefaultSuite {
    /// Requests measured per run unless `--jobs` says otherwise: enough for a stable p99.9 of
    /// `mixed` sizes (300 requests above it), few enough that the suite takes seconds.
    public static let defaultJobs = 300_000
    /// Servers in the equal-weight farms.
    public static let servers = 10
    /// Utilisation of every scenario: busy enough for queueing to matter, as a farm at peak.
    public static let utilization = 0.9
    /// Utilisation of the light-load video farm: servers often idle, so ties decide.
    public static let lightUtilization = 0.3
    /// Balancers in the several-balancer scenario.
    public static let balancers = 8
    /// Refresh periods Δ of the shared-count runs, in mean request times.
    public static let refreshPeriods = [1.0, 10.0]

    /// The scenarios, for `routers` (default: every library selector).
    ///
    /// - Complexity: O(scenarios · routers) configurations; nothing is run.
    public static func scenarios(jobs: Int?, seed: UInt64, routers: [RouterKind]? = nil) -> [Scenario] {
        let routers = routers ?? SelectorKind.allCases.map(RouterKind.selector)
        func farm(
            _ sizes: RequestSizes, weights: [Int] = Array(repeating: 1, count: servers), utilization: Double = utilization
        ) -> SimulationConfiguration {
            SimulationConfiguration(
                weights: weights, traffic: .open(utilization: utilization), discipline: .ps, sizes: sizes,
                jobs: jobs ?? defaultJobs, seed: seed
            )
        }
        func comparison(_ id: String, _ title: String, _ sizes: RequestSizes, notes: [String] = []) -> Scenario {
            Scenario(id: id, title: title, runs: routers.map { .init(farm(sizes), router: $0) },
                     finding: .leastConnectionsVersusRoundRobin, notes: notes)
        }
        let video = RequestSizes.workload(.video)
        func videoRuns(utilization: Double) -> [Scenario.Run] {
            routers.flatMap { router -> [Scenario.Run] in
                let weighted = farm(video, weights: video.defaultWeights ?? [], utilization: utilization)
                var unweighted = weighted
                unweighted.unweighted = true
                return [.init(weighted, router: router), .init(unweighted, router: router)]
            }
        }
        let balancerRuns = routers.flatMap { router -> [Scenario.Run] in
            let single = farm(.exponential)
            var own = single
            own.balancers = balancers
            let shared = refreshPeriods.map { period in
                var configuration = own
                configuration.refresh = period
                return Scenario.Run(configuration, router: router)
            }
            return [.init(single, router: router), .init(own, router: router)] + shared
        }
        return [
            comparison("mixed", "Mixed sizes: 99% page loads, 1% exports 6000× longer", .workload(.mixed), notes: [
                "With exports exactly 1% of requests on average, p99 sits on the border between the two kinds: it is a page "
                    + "load's time when the run drew fewer than 1% exports and an export's otherwise (a coin toss per seed, "
                    + "the same for every selector since they share the requests). p90 and p99.9 are on either side of it.",
            ]),
            comparison("heavy-tail", "Heavy-tailed sizes: Pareto α = 1.5", .workload(.heavyTail)),
            comparison("deterministic", "Equal sizes: where round robin is enough", .deterministic),
            Scenario(
                id: "video", title: "The video farm: weights 2, 1, 1; 90% thumbnails, 10% encodes",
                runs: videoRuns(utilization: utilization), finding: .weightedVersusUnweighted
            ),
            Scenario(
                id: "video-light",
                title: "The video farm at light load (ρ = \(NumberFormat.significant(lightUtilization, digits: 2))): "
                    + "weights 2, 1, 1; servers often idle, so ties decide",
                runs: videoRuns(utilization: lightUtilization), finding: .weightedVersusUnweighted
            ),
            Scenario(
                id: "balancers",
                title: "\(balancers) balancers: own counts, or shared counts refreshed every "
                    + refreshPeriods.map { NumberFormat.significant($0, digits: 3) }.joined(separator: " or ")
                    + " (exponential sizes)",
                runs: balancerRuns, finding: .degradationWithBalancers
            ),
        ]
    }
}
