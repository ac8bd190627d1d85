import LBRandom
import LBWorkloads
import Testing

/// Durations drawn from a seed are fixed: the figures in `results/` were drawn with them.
/// The expected values were computed independently (Python, the same formulas and glibc's
/// `log` and `pow`) and checked against the build before the generator moved to `LBRandom`.
@Suite("Seeded durations")
struct SeededDurationTests {
    @Test("exponential durations from seed 7")
    func exponential() {
        var random = SplitMix64(seed: 7)
        let durations = (0..<3).map { _ in DurationDistribution.exponential(mean: 2).sample(using: &random) }
        #expect(durations == [1.8840903555147654, 8.174146779390824, 0.20903134392893669])
    }

    @Test("Pareto durations from seed 9")
    func pareto() {
        var random = SplitMix64(seed: 9)
        let durations = (0..<3).map { _ in
            DurationDistribution.pareto(alpha: 1.5, minimum: 0.001).sample(using: &random)
        }
        #expect(durations == [0.0012901983015701697, 0.0012106660366031073, 0.0024218691638168205])
    }
}
