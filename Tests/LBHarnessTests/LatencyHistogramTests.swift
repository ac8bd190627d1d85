import LBHarness
import Testing

@Suite("Latency histogram")
struct LatencyHistogramTests {
    /// Values below 2,048 are kept exactly at 3 significant digits, so percentiles of 1…1000
    /// are exact: p50 is the 500th value, p99.9 the 999th.
    @Test("percentiles of 1…1000")
    func knownPercentiles() {
        var histogram = LatencyHistogram()
        for value in UInt64(1)...1_000 { histogram.record(value) }
        let summary = histogram.summary
        #expect(summary.p50 == 500)
        #expect(summary.p90 == 900)
        #expect(summary.p99 == 990)
        #expect(summary.p999 == 999)
        #expect(summary.max == 1_000)
        #expect(abs(summary.mean - 500.5) < 0.01)
        #expect(histogram.count == 1_000)
    }

    @Test("merging equals recording everything in one")
    func merge() {
        var evens = LatencyHistogram()
        var odds = LatencyHistogram()
        var all = LatencyHistogram()
        for value in UInt64(1)...10_000 {
            if value % 2 == 0 { evens.record(value * 37) } else { odds.record(value * 37) }
            all.record(value * 37)
        }
        evens.merge(odds)
        #expect(evens.summary == all.summary)
    }

    /// Large values keep 3 significant digits: within 0.1%.
    @Test("large values within 0.1%")
    func precision() {
        var histogram = LatencyHistogram()
        histogram.record(123_456_789)
        let p50 = Double(histogram.summary.p50)
        #expect(abs(p50 / 123_456_789 - 1) < 0.001)
        #expect(histogram.summary.max == 123_456_789)
    }

    @Test("values beyond 10 s are clamped, not lost")
    func clamping() {
        var histogram = LatencyHistogram()
        histogram.record(.max)
        #expect(histogram.count == 1)
        #expect(histogram.summary.max == LatencyHistogram.highestTrackableNanoseconds)
    }

    @Test("an empty histogram summarises to zeros")
    func empty() {
        #expect(LatencyHistogram().summary == LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0))
    }
}
