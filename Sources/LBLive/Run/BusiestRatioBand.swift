/// How far apart two least-connections rules' busiest ÷ average in-flight land on one window of
/// a live run's length, in the simulator: the noise a measured ratio lbbench ÷ HAProxy sits in.
///
/// On the default farm about 128 long requests (1% of the requests, each seconds of work) hold
/// most of the in-flight integral of the default 150 s window (about 50 in a 60 s one), so
/// where a handful of them land moves the busiest backend's mean in flight by tenths: a
/// measured ratio between two balancers scatters around the ratio of their rules, from window
/// to window, by up to about 10% at 150 s and more at 60 s. The band is that
/// scatter, simulated: `windows` windows of the run's length (its arrival rate × its measured
/// seconds, after the simulator's warm-up), each with its own seed, both rules on the same
/// requests, and the spread of the per-window ratios.
///
/// - Note: A value; thread-safe.
public struct BusiestRatioBand: Sendable, Equatable {
    /// Simulated windows.
    public var windows: Int
    /// Requests measured per window: the run's arrival rate × its measured seconds, at most its
    /// `--max-requests`, at least the simulator's minimum (10 per batch).
    public var requestsPerWindow: Int
    /// The ratios' 5th, 50th and 95th percentiles (linear interpolation between ranks).
    public var p5: Double
    public var p50: Double
    public var p95: Double
    /// Windows whose ratio is within 10% of 1 (`isWithinTenPercent`).
    public var withinTenPercent: Int

    /// The band of `ratios`, one per simulated window (not empty).
    ///
    /// - Complexity: O(w log w) for w windows.
    init(ratios: [Double], requestsPerWindow: Int) {
        precondition(!ratios.isEmpty, "a band needs at least one window")
        let sorted = ratios.sorted()
        func percentile(_ fraction: Double) -> Double {
            let rank = fraction * Double(sorted.count - 1)
            let lower = Int(rank.rounded(.down))
            let upper = Swift.min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
        }
        windows = sorted.count
        self.requestsPerWindow = requestsPerWindow
        p5 = percentile(0.05)
        p50 = percentile(0.5)
        p95 = percentile(0.95)
        withinTenPercent = sorted.count(where: Self.isWithinTenPercent)
    }

    /// Whether `ratio` is within 10% of 1, both bounds included: |ratio − 1| ≤ 0.1, with 10⁻⁹ to
    /// spare for binary rounding (1.1 − 1 is 0.10000000000000009 in binary, 1 − 0.9 is
    /// 0.09999999999999998, so a bare `<= 0.1` counted 1.1 outside and 0.9 inside). The one test
    /// behind every "within 10%" of the live report: the band's count and the findings' line.
    ///
    /// - Complexity: O(1).
    public static func isWithinTenPercent(_ ratio: Double) -> Bool {
        abs(ratio - 1) <= 0.1 + 1e-9
    }

    /// Whether `ratio` lies inside the 5th–95th percentile band.
    public func contains(_ ratio: Double) -> Bool { p5 <= ratio && ratio <= p95 }
}
