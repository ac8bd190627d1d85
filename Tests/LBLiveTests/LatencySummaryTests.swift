import LBLive
import Testing

/// A row's latency summary: nearest-rank percentiles, mean and maximum of the values in any order.
@Suite("Live: latency summary")
struct LatencySummaryTests {
    /// A mutant that reported the smallest latency as the maximum survived the suite: no test
    /// read the maximum back.
    @Test("Count, mean, nearest-rank p50, p90 and p99, and the maximum, of values in any order")
    func summary() throws {
        let milliseconds = [7.0, 2, 10, 4, 1, 9, 3, 8, 6, 5]
        let summary = try #require(LatencySummary(milliseconds.map { $0 / 1000 }))
        #expect(summary.count == 10)
        #expect(abs(summary.mean - 0.0055) < 1e-12)
        // Nearest rank: the ⌈q·n⌉-th smallest of n = 10, so the 5th, the 9th and the 10th.
        #expect(summary.p50 == 0.005)
        #expect(summary.p90 == 0.009)
        #expect(summary.p99 == 0.010)
        #expect(summary.maximum == 0.010)
        #expect(LatencySummary([]) == nil)
    }
}
