import LoadBalancing

/// The cost of one `MonotonicClock` read, measured by back-to-back reads.
///
/// Latencies are reported raw: a timed call is bracketed by two reads, so its recorded value
/// includes about one read's cost. Subtracting the overhead from each value would be wrong
/// for percentiles (the overhead itself varies), so reports state it next to the latencies.
public enum TimerOverhead {
    /// The median difference between two consecutive reads, in nanoseconds, over `reads` pairs.
    ///
    /// - Complexity: O(reads); about 2 ms for the default.
    public static func measure(reads: Int = 50_000) -> Double {
        var histogram = LatencyHistogram()
        for _ in 0..<reads {
            let first = MonotonicClock.nanoseconds()
            let second = MonotonicClock.nanoseconds()
            histogram.record(second &- first)
        }
        return Double(histogram.summary.p50)
    }
}
