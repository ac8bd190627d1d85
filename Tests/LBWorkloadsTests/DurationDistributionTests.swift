import LBRandom
import LBWorkloads
import Testing

@Suite("Duration distributions")
struct DurationDistributionTests {
    /// Sample means of a fixed seed land within a tolerance of the analytic mean. Pareto at
    /// α = 1.5 has infinite variance, so its sample mean converges slowly: a looser bound.
    @Test("sample means match analytic means", arguments: Workload.allCases)
    func sampleMeans(workload: Workload) {
        var random = SplitMix64(seed: 42)
        let distribution = workload.durations
        let count = 400_000
        let mean = (0..<count).reduce(0.0) { total, _ in total + distribution.sample(using: &random) } / Double(count)
        let tolerance = workload == .heavyTail ? 0.08 : 0.03
        #expect(abs(mean / distribution.mean - 1) < tolerance, "\(workload): sample mean \(mean), analytic \(distribution.mean)")
    }

    @Test("the mixed workload is 1% exports of 30 s")
    func mixedShares() {
        var random = SplitMix64(seed: 1)
        let samples = (0..<100_000).map { _ in Workload.mixed.durations.sample(using: &random) }
        let exports = samples.filter { $0 == 30 }.count
        #expect(samples.allSatisfy { $0 == 30 || $0 == 0.005 })
        #expect((800...1_200).contains(exports), "\(exports) exports in 100,000")
        #expect(abs(Workload.mixed.durations.mean - (0.99 * 0.005 + 0.01 * 30)) < 1e-12)
    }

    @Test("normalizing gives mean 1 and keeps the shape")
    func normalization() {
        for workload in Workload.allCases {
            #expect(abs(workload.durations.normalizedToUnitMean.mean - 1) < 1e-12, "\(workload)")
        }
        #expect(DurationDistribution.exponential(mean: 0.5).normalizedToUnitMean == .exponential(mean: 1))
        // The shape, for every kind: each has mean 4 here, so every time scales by 1/4 exactly
        // and the shape parameters (α, the mixture's weights) stay.
        #expect(DurationDistribution.pareto(alpha: 2, minimum: 2).normalizedToUnitMean == .pareto(alpha: 2, minimum: 0.5))
        #expect(DurationDistribution.constant(seconds: 4).normalizedToUnitMean == .constant(seconds: 1))
        #expect(DurationDistribution.shiftedExponential(minimum: 1, extraMean: 3).normalizedToUnitMean
                == .shiftedExponential(minimum: 0.25, extraMean: 0.75))
        let mixture = DurationDistribution.mixture([.init(weight: 3, .constant(seconds: 2)), .init(weight: 1, .exponential(mean: 10))])
        #expect(mixture.normalizedToUnitMean == .mixture([.init(weight: 3, .constant(seconds: 0.5)), .init(weight: 1, .exponential(mean: 2.5))]))
    }

    @Test("video encodes last at least 60 s")
    func videoMinimum() {
        var random = SplitMix64(seed: 9)
        let samples = (0..<10_000).map { _ in Workload.video.durations.sample(using: &random) }
        #expect(samples.allSatisfy { $0 == 0.010 || $0 >= 60 })
        #expect(Workload.video.defaultWeights == [2, 1, 1])
    }
}
