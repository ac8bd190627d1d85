import LBSimulation
import LBWorkloads
import LoadBalancing

/// Which balancers a run puts in front of the backends.
public enum BalancerChoice: String, CaseIterable, Sendable {
    /// lbbench's own SwiftNIO proxy, once per selector.
    case lbbench
    case haproxy
    case nginx

    /// The real balancer behind this choice; `nil` for lbbench's own proxy.
    public var peer: PeerBalancer? { PeerBalancer(rawValue: rawValue) }
}

/// Where a live run's requests come from.
public enum LiveTraffic: Sendable, Equatable {
    /// Poisson arrivals at utilisation ρ of the farm's total speed, `0 < ρ < 1`.
    case open(utilization: Double)
    /// `population` clients, each waiting for its response and then thinking an exponential
    /// time of mean `thinkTime` seconds.
    case closed(population: Int, thinkTime: Double)
}

/// When a run's rows are measured.
public enum LiveSchedule: String, CaseIterable, Sendable {
    /// All rows at once, each balancer in front of its own copy of the farm, every request sent
    /// to every row at the same instant: noise on the machine lands on every row alike, and two
    /// rows can be compared second by second. The default for open traffic.
    case together
    /// One row after another on a fresh farm, each with the whole machine: the default for a
    /// closed loop, whose throughput is what it measures.
    case sequential
}

/// Everything one `lbbench-live` run needs, with the ranges it can honour.
///
/// - Note: A value; thread-safe.
public struct LiveConfiguration: Sendable {
    /// Backend speeds, which are also the weights every balancer is given.
    public var weights: [Int] = [2, 1, 1, 1]
    public var capacity: CapacitySpecification = .processorSharing
    /// Request sizes: the workload's durations, normalised to mean 1.
    public var workload: Workload = .mixed
    public var traffic: LiveTraffic = .open(utilization: 0.85)
    /// Seconds of speed-1 work in a mean-size request; 0 (closed traffic only) for zero work.
    public var unit = 0.05
    public var warmup = 4.0
    /// Seconds measured: about 84 requests/s by default, so each row's short-request p99 rests
    /// on about 12,600 short requests (the 126 slowest lie above it), and about 128 long requests
    /// (1% of the mixed workload, which carry 98% of its work) make the in-flight figures. At
    /// 60 s only about 50 did, and where a handful of them landed moved busiest ÷ average
    /// by ±0.1 (`scripts/busiest-spread.sh`). 150 s keeps the default run under 3 minutes.
    public var duration = 150.0
    public var drain = 3.0
    /// The most requests sent per balancer and algorithm.
    public var maximumRequests = 200_000
    public var seed: UInt64 = 1
    public var balancers: [BalancerChoice] = BalancerChoice.allCases
    /// lbbench's proxy's selectors.
    public var selectors: [SelectorKind] = [.linearScan, .roundRobin]
    /// Event-loop threads of lbbench's proxy (HAProxy and nginx get one worker each).
    public var proxyThreads = 1
    /// The balancers' port on 127.0.0.1; `nil` for a free one chosen per balancer.
    public var port: Int?
    /// The most client connections the generator opens to each balancer.
    public var maximumConnections = 2_000
    /// Requests the simulator runs for each prediction.
    public var simulatedJobs = 200_000
    /// Whether `selectors` was chosen (`--selectors`), not left at its default: then
    /// `balancers` must include lbbench's proxy, the only one they apply to.
    public var selectorsGiven = false
    /// When rows run; `nil` for `together` with open traffic and `sequential` with a closed loop.
    public var schedule: LiveSchedule?
    /// Equal segments the measurement window is split into for the paired comparison.
    public var segments = 6

    public init() {}

    /// Limits every option is checked against.
    public static let maximumBackends = 64
    public static let maximumWeight = 100
    public static let maximumSeconds = 600.0
    public static let maximumRequestsBound = 1_000_000
    public static let maximumPopulation = 4_000
    public static let maximumThreads = 64
    public static let maximumSegments = 100
    /// The most client connections `--max-connections` may ask for per balancer.
    public static let maximumConnectionsBound = 10_000
    /// Utilisation of open traffic: the simulator's range (`SimulationLimits.utilization`),
    /// since every row carries its prediction; below it the arrival rate can round to 0.
    public static let utilization = SimulationLimits.utilization
    /// Milliseconds of work in a mean-size request: from a microsecond (a backend's timer
    /// resolution) to 10 s; 0 only for a closed loop (zero work).
    public static let unitMilliseconds = 0.001...10_000.0

    /// The schedule this run uses.
    public var effectiveSchedule: LiveSchedule {
        if let schedule { return schedule }
        if case .open = traffic { return .together }
        return .sequential
    }

    /// The rows a run plans, counting every real balancer's algorithms whether installed or not.
    var plannedRows: Int {
        balancers.reduce(0) { $0 + ($1.peer?.algorithms.count ?? selectors.count) }
    }

    /// The Poisson arrival rate of open traffic, per second.
    public var arrivalRate: Double? {
        guard case let .open(utilization) = traffic, unit > 0 else { return nil }
        return utilization * Double(weights.reduce(0, +)) / unit
    }

    /// The size distribution, mean 1.
    public var sizes: DurationDistribution { workload.durations.normalizedToUnitMean }

    /// Checks every field against the range this program honours.
    ///
    /// - Throws: `LiveConfigurationError` naming the option, the value and the bound.
    public func validate() throws(LiveConfigurationError) {
        func fail(_ option: String, _ value: Any, _ bound: String) throws(LiveConfigurationError) {
            throw LiveConfigurationError(option: option, value: "\(value)", bound: bound)
        }
        if weights.isEmpty || weights.count > Self.maximumBackends {
            try fail("--weights", "(\(weights.count) backends)", "1...\(Self.maximumBackends) backends, one weight each")
        }
        if let bad = weights.first(where: { $0 < 1 || $0 > Self.maximumWeight }) {
            try fail("--weights", bad, "every weight in 1...\(Self.maximumWeight)")
        }
        if case let .firstComeFirstServed(slots) = capacity, slots < 1 || slots > CapacitySpecification.maximumSlots {
            try fail("--slots", slots, "1...\(CapacitySpecification.maximumSlots)")
        }
        switch traffic {
        case let .open(utilization):
            if !Self.utilization.contains(utilization) {
                try fail("--utilization", utilization, "in \(Self.utilization.lowerBound)...\(Self.utilization.upperBound)")
            }
            if !Self.unitMilliseconds.contains(unit * 1000) {
                try fail("--unit-ms", unit * 1000, "in \(Self.unitMilliseconds.lowerBound)...\(Self.unitMilliseconds.upperBound) for open traffic (zero work needs --population)")
            }
        case let .closed(population, thinkTime):
            if population < 1 || population > Self.maximumPopulation {
                try fail("--population", population, "1...\(Self.maximumPopulation)")
            }
            if !(thinkTime >= 0 && thinkTime <= Self.maximumSeconds) {
                try fail("--think-time-ms", thinkTime * 1000, "0...\(Self.maximumSeconds * 1000)")
            }
            if let bound = PredictionSource.maximumThinkTime(self), thinkTime > bound {
                try fail("--think-time-ms", thinkTime * 1000,
                         "0...\(bound * 1000) for this farm, population and --unit-ms (the simulator's prediction of the run spans at most 2^32 service times of the fastest backend)")
            }
        }
        if !(unit == 0 || Self.unitMilliseconds.contains(unit * 1000)) {
            try fail("--unit-ms", unit * 1000, "0 or \(Self.unitMilliseconds.lowerBound)...\(Self.unitMilliseconds.upperBound)")
        }
        for (option, value, lower) in [("--warmup", warmup, 0.0), ("--duration", duration, 0.1), ("--drain", drain, 0.0)]
        where !(value >= lower && value <= Self.maximumSeconds) {
            try fail(option, value, "\(lower)...\(Self.maximumSeconds) seconds")
        }
        if maximumRequests < 1 || maximumRequests > Self.maximumRequestsBound {
            try fail("--max-requests", maximumRequests, "1...\(Self.maximumRequestsBound)")
        }
        if balancers.isEmpty { try fail("--balancers", "", "at least one of \(BalancerChoice.allCases.map(\.rawValue))") }
        if balancers.contains(.lbbench) && selectors.isEmpty { try fail("--selectors", "", "at least one selector") }
        if !balancers.contains(.lbbench) && selectorsGiven {
            try fail("--selectors", selectors.map(\.rawValue).joined(separator: ","),
                     "left out unless --balancers includes lbbench (they choose lbbench's proxy's algorithms)")
        }
        if proxyThreads < 1 || proxyThreads > Self.maximumThreads {
            try fail("--proxy-threads", proxyThreads, "1...\(Self.maximumThreads)")
        }
        if segments < 1 || segments > Self.maximumSegments {
            try fail("--segments", segments, "1...\(Self.maximumSegments)")
        }
        if let port {
            if port < 1_024 || port > 65_535 { try fail("--port", port, "1024...65535 (unprivileged)") }
            if effectiveSchedule == .together && plannedRows > 1 {
                try fail("--port", port, "left out when \(plannedRows) rows run side by side (or give --schedule sequential)")
            }
            if !LoopbackPort.isFree(port) { try fail("--port", port, "a port free on 127.0.0.1 (it is busy)") }
        }
        if maximumConnections < 1 || maximumConnections > Self.maximumConnectionsBound {
            try fail("--max-connections", maximumConnections, "1...\(Self.maximumConnectionsBound)")
        }
    }
}

/// An option outside the range `lbbench-live` honours.
public struct LiveConfigurationError: Error, CustomStringConvertible {
    public let option: String
    public let value: String
    public let bound: String

    public var description: String { "\(option) \(value): must be \(bound)" }
}
