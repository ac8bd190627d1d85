/// What a farm costs before it runs: its peak memory and its slowest arrival rate.
extension SimulationConfiguration {
    /// The process before any farm: code, runtime, Foundation, the report's histograms.
    public static let processBytes = 40 << 20
    /// Per server, once: its server model, speed, busy-time and peak tallies, assignments, the
    /// in-flight integral (measured about 600 B, 100,000 servers and one p2c balancer, before the
    /// in-flight integral's 16 B were added).
    public static let engineBytesPerServer = 640
    /// Per server and balancer: the most any router holds per server (its selector's counts,
    /// heap or bucket links, tie stamps and weights): round-robin's, measured 67 B (10,000
    /// servers × 256 balancers; atomic-scan 63, the others 8 to 20).
    public static let routerBytesPerServer = 80
    /// Per server and balancer with shared counts (`refresh`): its count in the balancer's view
    /// (4 B).
    public static let refreshBytesPerServer = 4
    /// Per server, once, with shared counts, from the types' sizes: the true count (4 B), the
    /// change log's at most 4n + 4,096 entries (16 B, and 16 KiB in all), the newest change's
    /// number (8 B), a refresh's mark (8 B), sort key (8 B) and replay entry (4 B).
    public static let refreshBytesPerServerOnce = 48
    /// Per request in the system at once (a closed population holds all of its requests): a
    /// job and its place in a server's queue or heap (not measured: an upper bound from the
    /// types' sizes).
    public static let bytesPerRequestInSystem = 64

    /// The estimated peak resident memory of running this farm with one router:
    /// `processBytes + n·(engineBytesPerServer [+ refreshBytesPerServerOnce])`
    /// `+ K·n·(routerBytesPerServer [+ refreshBytesPerServer])`
    /// `+ requestsInSystemBound·bytesPerRequestInSystem`, an upper bound, coefficients measured
    /// with `/usr/bin/time -v` on the release build (`simulate --servers 100000 --balancers 1024`
    /// measured 6.8 GiB; this estimates 7.7 GiB).
    ///
    /// - Complexity: O(n).
    public var estimatedPeakBytes: Int {
        // In floating point, so that no configuration, however absurd, can overflow.
        let servers = Double(weights.count)
        let perBalancer = Double(Self.routerBytesPerServer + (refresh == nil ? 0 : Self.refreshBytesPerServer))
        let perServer = Double(Self.engineBytesPerServer + (refresh == nil ? 0 : Self.refreshBytesPerServerOnce))
        let bytes = Double(Self.processBytes) + servers * perServer
            + servers * Double(balancers) * perBalancer + Double(requestsInSystemBound) * Double(Self.bytesPerRequestInSystem)
        return bytes < 0x1p62 ? Int(bytes) : .max
    }

    /// The most requests the estimate counts in the system at once: a closed population's N; for
    /// open traffic, `arrivalCap` when `overloadsAServer` (that server's queue grows until
    /// arrivals stop), otherwise none (a stable farm's queues are small beside its per-server
    /// costs).
    ///
    /// - Complexity: O(n).
    public var requestsInSystemBound: Int {
        switch traffic {
        case let .closed(population, _): population
        case .open: overloadsAServer ? arrivalCap : 0
        }
    }

    /// Whether open traffic routed in proportion to `balancerWeights` alone, as round-robin and
    /// random route whatever the load, sends some server more requests per time unit than its
    /// speed: only an unweighted farm of unequal speeds can. Counted whatever the routers, so
    /// that the estimate holds for any of them. `false` for a closed population.
    ///
    /// - Complexity: O(n).
    public var overloadsAServer: Bool {
        guard let rate = arrivalRate else { return false }
        let given = balancerWeights
        let total = given.reduce(0.0) { $0 + Double($1) }
        return zip(weights, given).contains { speed, weight in rate * Double(weight) / total > Double(speed) }
    }

    /// How `estimatedPeakBytes` was reached, for a refusal's line: the farm's size and, when
    /// requests are counted, how many and why, naming the options that set them.
    ///
    /// - Complexity: O(n).
    public var estimateDetail: String {
        var detail = "\(weights.count) servers × \(balancers) balancers\(refresh == nil ? "" : " with shared counts")"
        switch traffic {
        case let .closed(population, _):
            detail += " + --population \(population) requests"
        case .open where overloadsAServer:
            detail += " + up to \(arrivalCap) requests queued (2 × (--jobs \(jobs) + the warm-up)): routing by the "
                + "balancers' weights alone, as round-robin and random do, sends a server more than its speed"
        case .open:
            break
        }
        return detail
    }

    /// Requests per time unit, at least: the Poisson rate for open traffic; for a closed
    /// population of N with think time Z, N / (Z + N / slowest speed), as if every request
    /// waited behind all the others on the slowest server. `nil` for an empty farm.
    ///
    /// - Complexity: O(n).
    public var lowestArrivalRate: Double? {
        switch traffic {
        case .open: return arrivalRate
        case let .closed(population, thinkTime):
            guard let slowest = weights.min(), slowest > 0, population > 0 else { return nil }
            let n = Double(population)
            return n / (thinkTime + n / Double(slowest))
        }
    }
}
