/// One equal slice of a row's measurement window: its short requests and their p99.
///
/// Rows measured side by side share their window, so the same segment of two rows covers the
/// same seconds of the same machine: comparing them segment by segment is a paired comparison
/// (`LiveFindings`). The row's own percentiles are over all its requests, never an average of
/// the segments'.
///
/// - Note: A value; thread-safe.
public struct LiveSegment: Sendable, Equatable {
    /// Completed short requests (at most the mean size) due in this segment.
    public var shortCount: Int
    /// Their 99th percentile latency in seconds (nearest rank); `nil` when there are none.
    public var shortP99: Double?

    public init(shortCount: Int, shortP99: Double?) {
        self.shortCount = shortCount
        self.shortP99 = shortP99
    }

    /// `samples` of a window of `duration` seconds split into `count` equal segments by when
    /// each request was due; a sample at or past the end counts in the last segment.
    ///
    /// - Complexity: O(n log n) for n samples.
    static func split(_ samples: [RequestSample], duration: Double, count: Int) -> [LiveSegment] {
        precondition(count >= 1 && duration > 0, "segments need a positive count and duration")
        var latencies = Array(repeating: [Double](), count: count)
        for sample in samples where LiveRowResult.isShort(sample) {
            let position = Int((sample.windowTime / duration * Double(count)).rounded(.down))
            latencies[min(count - 1, max(0, position))].append(sample.latency)
        }
        return latencies.map { LiveSegment(shortCount: $0.count, shortP99: LatencySummary($0)?.p99) }
    }
}
