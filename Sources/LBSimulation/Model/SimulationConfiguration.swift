import LoadBalancing

/// One simulated farm and its traffic: everything a run needs except the router.
///
/// Server `i` works at speed `weights[i]` (a weight-1 server serves a mean-size request in one
/// time unit), and its balancers are told the same weights unless `unweighted` is set.
///
/// - Note: A value; thread-safe. Memory: 8 bytes per server.
public struct SimulationConfiguration: Sendable, Equatable {
    /// Each server's capacity, which is also the weight its balancers are given.
    public var weights: [Int]
    /// Give every balancer weight 1 for every server while servers keep their speeds: the
    /// unweighted selector on a heterogeneous farm.
    public var unweighted: Bool
    /// Where requests come from: Poisson at a utilisation, or a closed population.
    public var traffic: Traffic
    /// How each server shares itself among its requests.
    public var discipline: Discipline
    /// The size distribution, mean 1.
    public var sizes: RequestSizes
    /// Requests measured, after the warm-up.
    public var jobs: Int
    /// Requests simulated before measuring starts, so the farm is in steady state, not empty.
    public var warmupJobs: Int
    /// Seed of every random stream (`SeedStreams`).
    public var seed: UInt64
    /// Independent balancers; each arrival goes to one of them uniformly at random.
    public var balancers: Int
    /// `nil`: each balancer counts only its own connections. Otherwise every `refresh` time
    /// units each balancer's view is reset to the true global counts (balancers staggered
    /// evenly), and between refreshes it adds only its own picks and releases.
    public var refresh: Double?
    /// Batches for the batch-means confidence intervals.
    public var batches: Int

    /// The most servers a simulated farm may have.
    public static let maximumServers = 100_000
    /// The most balancers a run may have.
    public static let maximumBalancers = 1_024

    /// A configuration; `warmupJobs` defaults to a tenth of `jobs`.
    public init(
        weights: [Int],
        unweighted: Bool = false,
        traffic: Traffic = .open(utilization: 0.9),
        discipline: Discipline = .ps,
        sizes: RequestSizes = .exponential,
        jobs: Int = 1_000_000,
        warmupJobs: Int? = nil,
        seed: UInt64 = 1,
        balancers: Int = 1,
        refresh: Double? = nil,
        batches: Int = 30
    ) {
        self.weights = weights
        self.unweighted = unweighted
        self.traffic = traffic
        self.discipline = discipline
        self.sizes = sizes
        self.jobs = jobs
        self.warmupJobs = warmupJobs ?? jobs / 10
        self.seed = seed
        self.balancers = balancers
        self.refresh = refresh
        self.batches = batches
    }

    /// The weights balancers are given: `weights`, or all 1 when `unweighted`.
    ///
    /// - Complexity: O(n).
    public var balancerWeights: [Int] {
        unweighted ? Array(repeating: 1, count: weights.count) : weights
    }

    /// The sum of server speeds.
    ///
    /// - Complexity: O(n).
    public var totalSpeed: Double { weights.reduce(0.0) { $0 + Double($1) } }

    /// Poisson arrival rate for open traffic (`utilization × totalSpeed`, sizes have mean 1);
    /// `nil` for a closed population.
    ///
    /// - Complexity: O(n).
    public var arrivalRate: Double? {
        if case let .open(utilization) = traffic { utilization * totalSpeed } else { nil }
    }

    /// The most requests per time unit a closed population can send: `N / Z` (every client
    /// thinking, none waiting) and never more than the farm serves (`totalSpeed`); for open
    /// traffic, `totalSpeed`.
    ///
    /// - Complexity: O(n).
    var closedArrivalRateBound: Double {
        if case let .closed(population, thinkTime) = traffic, thinkTime > 0 {
            min(totalSpeed, Double(population) / thinkTime)
        } else {
            totalSpeed
        }
    }

    /// The most requests a run lets arrive: its warm-up and measured requests, then an unmeasured
    /// tail of at most as many again, which keeps the farm loaded until the last measured request
    /// completes and stops an overloaded farm's run (`SimulationResult.truncatedTail`).
    /// `validate()` keeps it within the 2³² requests a run can number.
    ///
    /// - Complexity: O(1).
    public var arrivalCap: Int { 2 * (warmupJobs + jobs) }

    /// The longest simulated span a run may need, in mean service times of the fastest server:
    /// 2^32, so that a double still resolves such a service time to 2^-20 at the end of the run.
    public static let maximumSpanInFastestServiceTimes = 4_294_967_296.0

    /// The longest mean think time a closed population may have: its requests alone, at most
    /// `N / Z` per time unit, take `(warmupJobs + jobs) · Z / N` time units, which must stay within
    /// `maximumSpanInFastestServiceTimes` of the fastest server (weight `w`: service time `1 / w`).
    ///
    /// - Complexity: O(n).
    public var maximumThinkTime: Double {
        guard case let .closed(population, _) = traffic, let fastest = weights.max(), fastest > 0 else { return 0 }
        let requests = Double(warmupJobs) + Double(jobs)
        return Self.maximumSpanInFastestServiceTimes * Double(population) / (requests * Double(fastest))
    }

    /// Checks every field.
    ///
    /// - Complexity: O(n).
    /// - Throws: `SimulationError.invalidConfiguration` with a one-line reason.
    public func validate() throws(SimulationError) {
        func fail(_ reason: String) throws(SimulationError) { throw .invalidConfiguration(reason) }
        if weights.isEmpty { try fail("the farm needs at least one server") }
        if weights.count > Self.maximumServers { try fail("at most \(Self.maximumServers) servers, not \(weights.count)") }
        let maximumWeight = SelectorLimits.maximumWeight
        if let (server, weight) = weights.enumerated().first(where: { $0.element <= 0 || $0.element > maximumWeight }) {
            try fail("--weights: server \(server) has weight \(weight); simulated servers need a weight (speed) in 1...\(maximumWeight)")
        }
        switch traffic {
        case let .open(utilization):
            if !(utilization > 0 && utilization < 1) { try fail("utilization must be in (0, 1), not \(utilization)") }
        case let .closed(population, thinkTime):
            if population < 1 || population > Int(UInt32.max) {
                try fail("--population \(population): must be in 1...\(min(Int(UInt32.max), warmupJobs)) (at most the "
                    + "warm-up's requests, a tenth of --jobs, so that every client has sent one before measuring)")
            }
            if population > warmupJobs {
                try fail("--population \(population): at most \(warmupJobs), the warm-up's requests (a tenth of --jobs), "
                    + "so that every client has sent one before measuring starts")
            }
            let thinkTimeBound = maximumThinkTime
            if !(thinkTime >= 0 && thinkTime <= thinkTimeBound) {
                try fail("--think-time \(thinkTime): must be in 0...\(thinkTimeBound) for this farm, population and --jobs "
                    + "(≤ 2^32 service times of the fastest server in all)")
            }
        }
        if batches < 2 { try fail("at least 2 batches are needed for a confidence interval, not \(batches)") }
        if jobs < 10 * batches { try fail("jobs must be at least 10 per batch (\(10 * batches)), not \(jobs)") }
        if warmupJobs < 0 { try fail("warm-up jobs must be ≥ 0, not \(warmupJobs)") }
        let maximumJobs = Job.numberableArrivals / 2 - warmupJobs
        if jobs > maximumJobs {
            try fail("--jobs \(jobs): at most \(maximumJobs) with a \(warmupJobs)-request warm-up: a run numbers up to "
                + "twice its warm-up and measured requests (the unmeasured tail, `arrivalCap`) in 32 bits")
        }
        if balancers < 1 || balancers > Self.maximumBalancers {
            try fail("balancers must be in 1...\(Self.maximumBalancers), not \(balancers)")
        }
        if let refresh, !(refresh > 0 && refresh.isFinite) { try fail("refresh must be a positive time, not \(refresh)") }
    }
}
