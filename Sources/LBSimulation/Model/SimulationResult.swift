import LBReporting

/// What one simulated run measured, over its measurement window: from the arrival of the
/// first measured request to the arrival of the first request after the last measured one.
///
/// Times are in units of the mean request's service time on a weight-1 server.
///
/// - Note: A value; thread-safe. Memory: 32 bytes per server plus 16 per batch.
public struct SimulationResult: Sendable, Equatable {
    /// The router's name (`linear-scan`, `random`, …), with `(unweighted)` when the balancers
    /// were given equal weights.
    public var selector: String
    /// The configuration that was run.
    public var configuration: SimulationConfiguration

    /// Mean response time (arrival to completion) of the measured requests.
    public var meanResponse: Double
    /// Response time percentiles p50, p90, p99, p99.9.
    public var responsePercentiles: Percentiles
    /// The longest response time measured.
    public var maxResponse: Double
    /// Response times of the measured requests of at most the mean size (`short`) and of larger
    /// ones (`long`), as `lbbench-live` splits its own; `nil` for a kind with no measured request.
    public var shortResponse: SizeClassResponse?
    public var longResponse: SizeClassResponse?
    /// Batch means of response time, for confidence intervals.
    public var responseBatches: BatchSummary
    /// Mean slowdown: response time ÷ the request's service time alone on its server.
    ///
    /// The steady-state mean it estimates is not always finite: under FCFS a request's slowdown is
    /// `1 + W·w/S`, its wait `W` independent of its size `S`, so the mean is infinite wherever
    /// requests wait and `E[1/S] = ∞` (sizes with density near 0: `exponential`, `long-lived`),
    /// or `E[S²] = ∞` (`heavy-tail`, whose mean wait is infinite); the value here is then finite
    /// but grows with the run. `noInterval(for: .slowdown)` says when, and the reports print no
    /// interval there. One processor-sharing server with Poisson arrivals (M/G/1-PS) has the
    /// finite mean `1/(1 − ρ)` whatever the sizes.
    public var meanSlowdown: Double
    /// Slowdown percentiles p50, p90, p99, p99.9.
    public var slowdownPercentiles: Percentiles
    /// Batch means of slowdown, for confidence intervals.
    public var slowdownBatches: BatchSummary
    /// Mean slowdown of the measured requests of at most the mean size and of larger ones (the
    /// kinds of `shortResponse` and `longResponse`), each its slowdowns' sum ÷ their count; `nil`
    /// for a kind with no measured request. M/G/1-PS gives both the same mean, `1/(1 − ρ)`
    /// (`E[T | S = x] = x/(1 − ρ)`); FCFS gives short requests far more.
    public var shortMeanSlowdown: Double?
    public var longMeanSlowdown: Double?

    /// Measured arrival rate in the window.
    public var throughput: Double
    /// Per server: fraction of the window it was busy.
    public var utilization: [Double]
    /// Per server: most requests it held at once during the window.
    public var peakQueue: [Int]
    /// Per server: measured requests routed to it.
    public var assignments: [Int]
    /// Per server: time-averaged requests it held (in service or waiting) over the window, as
    /// `lbbench-live`'s backends count theirs; they add up to `littlesLaw.meanInSystem`.
    public var meanInFlight: [Double]
    /// Busiest ÷ average of `meanInFlight` divided by each server's weight (speed): 1 when
    /// every server holds requests in proportion to its speed. `lbbench-live`'s figure of the
    /// same name, over the simulated window.
    ///
    /// - Complexity: O(n).
    public var busiestOverAverageInFlight: Double {
        LBReporting.Fairness.busiestOverAverage(meanInFlight, weights: configuration.weights)
    }

    /// Jain's indexes and peak-to-mean load, as the harness reports them.
    public var fairness: Fairness
    /// Little's law on the measurement window, checked on every run.
    public var littlesLaw: LittlesLaw
    /// Length of the measurement window.
    public var windowLength: Double
    /// Requests that arrived during the whole run: warm-up, measured, and those that kept the
    /// farm loaded until the last measured one completed.
    public var simulatedRequests: Int
    /// Whether arrivals had to stop before the last measured request completed (after as many
    /// extra requests as the run itself), which happens only when the farm cannot keep up: its
    /// last measured requests then saw a draining farm.
    public var truncatedTail: Bool

    /// The response times of one kind of request (short or long).
    public struct SizeClassResponse: Sendable, Equatable, Codable {
        /// Measured requests of this kind.
        public var count: Int
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
    }

    /// p50, p90, p99 and p99.9 of a distribution.
    public struct Percentiles: Sendable, Equatable {
        /// The median.
        public var p50: Double
        /// The 90th percentile.
        public var p90: Double
        /// The 99th percentile.
        public var p99: Double
        /// The 99.9th percentile.
        public var p999: Double

        /// The quantiles `Percentiles` holds, in order.
        static let quantiles = [0.5, 0.9, 0.99, 0.999]

        init(_ values: [Double]) {
            (p50, p90, p99, p999) = (values[0], values[1], values[2], values[3])
        }
    }

    /// The harness's fairness figures, on the simulated farm.
    public struct Fairness: Sendable, Equatable {
        /// Jain's index of measured requests per server divided by its weight (speed).
        public var jainAssignments: Double
        /// Mean over periodic samples of Jain's index of the weight-normalised active counts
        /// (samples with no active request are skipped).
        public var jainLoad: Double
        /// Mean over the same samples of max ÷ mean of the weight-normalised active counts.
        public var peakToMeanLoad: Double
    }

    /// Little's law, `L = λ T`, on the measurement window.
    ///
    /// `L` is the time-average number of requests in the farm, integrated event by event;
    /// `λ T` is the measured arrival rate times the mean response time, from per-request
    /// times. They differ only by the requests that straddle the window's ends: `L` counts the
    /// time earlier requests still spent inside after it opened (`before`), `λ T` the time
    /// measured requests spent inside after it closed (`after`). Both are measured, so
    /// `L − λT = before − after` exactly, up to rounding: a difference means the simulator lost
    /// or mis-timed a request. (Checking only `|L − λT| ≤ before + after` would let an error
    /// as large as twice either term pass.)
    public struct LittlesLaw: Sendable, Equatable {
        /// `L`: time-average requests in the farm.
        public var meanInSystem: Double
        /// `λ T`.
        public var arrivalRateTimesMeanResponse: Double
        /// The straddling requests' shares, per unit of window: before it opened (in `L`, not
        /// in `λ T`) and after it closed (in `λ T`, not in `L`).
        public var before: Double
        public var after: Double

        /// The straddling requests' share in all, the bound on `|L − λT|` the reports print.
        public var boundary: Double { before + after }

        /// What `L` must be: `λT + before − after`.
        public var expectedMeanInSystem: Double { arrivalRateTimesMeanResponse + before - after }

        /// The rounding allowed between `L` and `expectedMeanInSystem`: 1e-7 relative (sums over
        /// up to millions of events).
        public var tolerance: Double { 1e-7 * max(meanInSystem, arrivalRateTimesMeanResponse, boundary, 1) }

        /// Whether `L − λT = before − after`, up to `tolerance`.
        public var holds: Bool { abs(meanInSystem - expectedMeanInSystem) <= tolerance }
    }
}
