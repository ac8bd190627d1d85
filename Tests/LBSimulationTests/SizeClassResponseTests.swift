@testable import LBSimulation
import LoadBalancing
import Testing

/// The response times split into short requests (at most the mean size) and long ones, as
/// `lbbench-live` splits its measured requests.
@Suite("Simulation: short and long requests")
struct SizeClassResponseTests {
    @Test("Exponential sizes: every measured request in one kind, 1 − 1/e of them short")
    func exponentialSplit() throws {
        let configuration = SimulationConfiguration(
            weights: [2, 1, 1, 1], traffic: .open(utilization: 0.7), sizes: .exponential, jobs: 40_000, seed: 3
        )
        let result = try Simulation.run(configuration, router: .selector(.linearScan))
        let short = try #require(result.shortResponse)
        let long = try #require(result.longResponse)
        #expect(short.count + long.count == configuration.jobs)
        let shortShare = Double(short.count) / Double(configuration.jobs)
        // P(X ≤ 1) = 1 − e⁻¹ ≈ 0.632; the binomial standard deviation at 40,000 is 0.0024.
        #expect(abs(shortShare - 0.632) < 0.015, "short share \(shortShare)")
        let total = short.mean * Double(short.count) + long.mean * Double(long.count)
        #expect(abs(total / Double(configuration.jobs) - result.meanResponse) < 1e-9 * result.meanResponse)
        #expect(short.mean < result.meanResponse && result.meanResponse < long.mean)
        #expect(short.p50 <= short.p90 && short.p90 <= short.p99)
        #expect(long.p50 <= long.p90 && long.p90 <= long.p99)
    }

    @Test("Equal sizes: every request is short, none long")
    func deterministicSizes() throws {
        let configuration = SimulationConfiguration(weights: [1, 1], traffic: .open(utilization: 0.5), sizes: .deterministic, jobs: 3_000)
        let result = try Simulation.run(configuration, router: .selector(.roundRobin))
        #expect(result.shortResponse?.count == configuration.jobs)
        #expect(result.longResponse == nil)
    }

    /// Guards which percentile is which in a size class's summary: a mutant that reported the p99
    /// as the p90 survived (the run-based tests only check p50 ≤ p90 ≤ p99).
    @Test("a size class's summary of 1, 2, …, 100: count 100, mean 50.5, p50 50, p90 90, p99 99")
    func summaryOfKnownValues() throws {
        var histogram = SizeClassHistogram()
        for value in 1...100 { histogram.record(Double(value), slowdown: 2) }
        let summary = try #require(histogram.summary)
        #expect(summary.count == 100 && summary.mean == 50.5 && histogram.meanSlowdown == 2)
        for (estimate, exact) in [(summary.p50, 50.0), (summary.p90, 90), (summary.p99, 99)] {
            #expect(abs(estimate / exact - 1) < 0.002, "\(estimate), exact \(exact)")
        }
    }
}
