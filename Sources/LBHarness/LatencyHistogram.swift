import Histogram

/// Latencies in nanoseconds, in an HdrHistogram (HdrHistogram/hdrhistogram-swift) with
/// 3 significant digits from 1 ns to 10 s.
///
/// The range is fixed, so recording never resizes (never allocates) in the timed loop; a
/// value above 10 s (a thread descheduled for that long) is recorded as 10 s. Each worker
/// fills its own histogram and they are merged after the run.
///
/// - Complexity: `record` O(1); `summary` O(buckets). Memory: about 200 KB.
/// - Note: Not thread-safe: one per worker.
public struct LatencyHistogram: Sendable {
    /// The largest value kept exactly; larger ones are clamped to it.
    public static let highestTrackableNanoseconds: UInt64 = 10_000_000_000

    @usableFromInline
    var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(
            lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackableNanoseconds,
            numberOfSignificantValueDigits: .three)
    }

    /// The number of values recorded.
    public var count: UInt64 { histogram.totalCount }

    /// Records one latency.
    @inlinable
    public mutating func record(_ nanoseconds: UInt64) {
        histogram.record(min(nanoseconds, Self.highestTrackableNanoseconds))
    }

    /// Adds every value recorded in `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    /// p50, p90, p99, p99.9 (each within 0.1% of the true value, from the histogram's
    /// buckets), the exact maximum and the mean; all zero when nothing was recorded.
    public var summary: LatencySummary {
        guard histogram.totalCount > 0 else { return LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0) }
        return LatencySummary(
            p50: histogram.valueAtPercentile(50), p90: histogram.valueAtPercentile(90),
            p99: histogram.valueAtPercentile(99), p999: histogram.valueAtPercentile(99.9),
            max: histogram.maxRecorded, mean: histogram.mean)
    }
}

/// A latency distribution in nanoseconds, as the results JSON spells it.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var mean: Double

    public init(p50: UInt64, p90: UInt64, p99: UInt64, p999: UInt64, max: UInt64, mean: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }
}
