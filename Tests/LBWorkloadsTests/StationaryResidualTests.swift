import LBRandom
import LBWorkloads
import Testing

@Suite("Stationary residual durations")
struct StationaryResidualTests {
    /// The residual's mean is E[X²] / 2E[X]; the expected values are computed by hand from
    /// each workload's definition.
    static let expectedMeans: [(Workload, Double)] = [
        (.uniform, 0.010 / 2),
        // Exponential is memoryless: the residual has the same mean.
        (.exponential, 0.010),
        (.longLived, 120),
        // E[X²] = 0.99·0.005² + 0.01·30² = 9.00002475; E[X] = 0.30495.
        (.mixed, 9.000_024_75 / (2 * 0.304_95)),
        // Encodes 60 + Exp(60): E[X²] = 60² + 2·60·60 + 2·60² = 18,000; thumbnails 0.01² = 0.0001.
        // E[X²] = 0.9·0.0001 + 0.1·18,000 = 1,800.00009; E[X] = 0.9·0.01 + 0.1·120 = 12.009.
        (.video, 1_800.000_09 / (2 * 12.009)),
    ]

    @Test("sample means match E[X²]/2E[X]", arguments: expectedMeans)
    func residualMeans(workload: Workload, expected: Double) {
        var random = SplitMix64(seed: 7)
        let count = 400_000
        var total = 0.0
        for _ in 0..<count { total += workload.durations.sampleStationaryResidual(using: &random) }
        let mean = total / Double(count)
        #expect(abs(mean / expected - 1) < 0.03, "\(workload): residual mean \(mean), expected \(expected)")
    }

    /// Pareto(α, x): the residual lies below x with probability (α − 1)/α = 1/3 at α = 1.5.
    @Test("Pareto residual: a third below the minimum")
    func paretoShare() {
        guard case let .pareto(_, minimum) = Workload.heavyTail.durations else {
            Issue.record("heavy-tail is no longer Pareto")
            return
        }
        var random = SplitMix64(seed: 3)
        let count = 300_000
        var below = 0
        for _ in 0..<count where Workload.heavyTail.durations.sampleStationaryResidual(using: &random) < minimum {
            below += 1
        }
        #expect(abs(Double(below) / Double(count) - 1.0 / 3) < 0.01, "\(below) of \(count) below the minimum")
    }

    @Test("residuals are never negative and never exceed a constant duration")
    func bounds() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<10_000 {
            let residual = Workload.uniform.durations.sampleStationaryResidual(using: &random)
            #expect(residual >= 0 && residual < 0.010)
        }
    }
}
