/// The response times of one kind of request (short or long): a `LogHistogram` and their sum,
/// and the sum of their slowdowns.
///
/// - Complexity: `record` O(1); `summary` O(buckets). Memory: 160 KiB.
/// - Note: Not thread-safe.
struct SizeClassHistogram {
    private var histogram = LogHistogram()
    private var sum = 0.0
    private var slowdownSum = 0.0

    mutating func record(_ response: Double, slowdown: Double) {
        histogram.record(response)
        sum += response
        slowdownSum += slowdown
    }

    /// Count, mean, p50, p90 and p99; `nil` when nothing was recorded.
    var summary: SimulationResult.SizeClassResponse? {
        guard histogram.total > 0 else { return nil }
        let percentiles = histogram.percentiles([0.5, 0.9, 0.99])
        return .init(
            count: Int(histogram.total), mean: sum / Double(histogram.total),
            p50: percentiles[0], p90: percentiles[1], p99: percentiles[2]
        )
    }

    /// The mean slowdown of the recorded requests: the sum of their slowdowns ÷ their count (a
    /// per-request mean, not a mean of batch means); `nil` when nothing was recorded.
    var meanSlowdown: Double? {
        histogram.total > 0 ? slowdownSum / Double(histogram.total) : nil
    }
}
