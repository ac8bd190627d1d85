import LBHarness
import LBReporting
import LBSimulation

/// Latency percentiles of a set of requests, in seconds (nearest rank).
///
/// - Note: A value; thread-safe.
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var maximum: Double

    /// The summary of `latencies`; `nil` when there are none.
    ///
    /// - Complexity: O(n log n).
    public init?(_ latencies: [Double]) {
        guard !latencies.isEmpty else { return nil }
        let sorted = latencies.sorted()
        func rank(_ quantile: Double) -> Double {
            sorted[min(sorted.count - 1, max(0, Int((quantile * Double(sorted.count)).rounded(.up)) - 1))]
        }
        count = sorted.count
        mean = sorted.reduce(0, +) / Double(sorted.count)
        p50 = rank(0.5)
        p90 = rank(0.9)
        p99 = rank(0.99)
        maximum = sorted[sorted.count - 1]
    }
}

/// The simulator's prediction for the same farm, sizes and load, in units of the mean request
/// on a speed-1 server.
public struct SimulatorPrediction: Sendable, Equatable {
    /// The simulated router: an lbbench row's own selector; `haproxy-leastconn` or
    /// `nginx-least-conn` for a real balancer's least connections; `round-robin` for its round
    /// robin (`PeerBalancer.simulatorModel(for:)`).
    public var router: String
    public var meanResponse: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    /// The same split as the measured `short` and `long`: requests of at most the mean size, and
    /// larger ones; `nil` when the simulation measured none of that kind.
    public var short: SimulationResult.SizeClassResponse?
    public var long: SimulationResult.SizeClassResponse?
    /// Per backend: time-averaged requests in flight in the simulation (requests, like the
    /// measured `backendMeanInFlight`).
    public var meanInFlight: [Double]
    /// Busiest ÷ average of `meanInFlight ÷ weight`, computed as the measured one is.
    public var busiestOverAverageInFlight: Double
}

/// One balancer and algorithm on the live farm.
///
/// - Note: A value; thread-safe.
public struct LiveRowResult: Sendable {
    /// `lbbench`, `haproxy` or `nginx`.
    public var balancer: String
    /// The selector or the balancer's own algorithm name.
    public var algorithm: String
    public var family: AlgorithmFamily
    /// Measured requests that completed, per second of the measurement window.
    public var requestsPerSecond: Double
    /// Requests of at most the mean size (all of them for `uniform`).
    public var short: LatencySummary?
    /// Requests larger than the mean size.
    public var long: LatencySummary?
    /// Mean response of every measured request that finished by the drain's end (not the
    /// `unfinished`), in units of the mean request on a speed-1 server.
    public var meanResponseUnits: Double?
    /// Per backend, over the measurement window: requests admitted.
    public var backendRequests: [Int]
    /// Per backend, over the measurement window: requests admitted that are larger than the
    /// mean size (the `long` requests), which carry most of a mixed workload's in-flight time.
    public var backendLongRequests: [Int]
    /// Per backend, over the measurement window: time-averaged requests in flight.
    public var backendMeanInFlight: [Double]
    /// Per backend: the most requests in flight at once during the measurement window (from the
    /// reading after the warm-up to the one at the window's end; the drain does not count).
    public var backendMaximumInFlight: [Int]
    /// Busiest ÷ average of the weight-normalised mean in-flight counts (1: in proportion to weight).
    public var busiestOverAverage: Double
    /// CPU seconds the balancer used during the window, and that as a share of one core.
    public var proxyCPUSeconds: Double
    public var proxyCPUShare: Double
    public var sent: Int
    public var errors: Int
    public var unfinished: Int
    /// The generator's worst lateness writing to this row's balancer, in seconds (open traffic;
    /// `GeneratorOutcome.maximumLag`: its own delay or a wait for a connection).
    public var generatorMaximumLag: Double
    /// The generator's mean lateness over every request written to this row's balancer, in
    /// seconds (open traffic).
    public var generatorMeanLag: Double
    /// The measurement window in equal segments (`LiveConfiguration.segments`), in time order.
    public var segments: [LiveSegment]
    public var prediction: SimulatorPrediction?
    /// lbbench's proxy only: connections its selector still counted once the generator had
    /// closed every connection (`LiveProxy.unreleasedPicks`), 0 when every pick was released
    /// exactly once; `nil` for HAProxy and nginx.
    public var unreleasedPicks: Int? = nil

    /// Splits `samples` into short (at most the mean size) and long requests and summarises them.
    static func summaries(_ samples: [RequestSample]) -> (short: LatencySummary?, long: LatencySummary?) {
        (LatencySummary(samples.filter { isShort($0) }.map(\.latency)),
         LatencySummary(samples.filter { !isShort($0) }.map(\.latency)))
    }

    /// Whether `sample` is a short request: at most the mean size.
    static func isShort(_ sample: RequestSample) -> Bool { sample.size <= 1 }
}

/// A whole `lbbench-live` run: its configuration, each balancer's row, and notes (balancers
/// that were not installed or failed to start).
public struct LiveReport: Sendable {
    public var machine: MachineContext
    public var configuration: LiveConfiguration
    public var rows: [LiveRowResult]
    public var notes: [String]
    /// Seconds the whole run took.
    public var seconds: Double
    /// The simulated window-to-window scatter of lbbench's least-connections busiest ÷ average
    /// over HAProxy leastconn's, when the run has both rows and the simulator a model of the farm.
    public var busiestBand: BusiestRatioBand? = nil
}
