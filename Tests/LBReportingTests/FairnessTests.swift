import LBReporting
import Testing

/// Every expected value here is computed by hand from J(x) = (Σx)² / (n·Σx²).
@Suite("Fairness figures")
struct FairnessTests {
    @Test("equal values give exactly 1 for both figures, where rounding alone lands a hair beyond it")
    func roundingKeptInRange() {
        let values = Array(repeating: 7.0 / 9, count: 3)
        #expect(Fairness.jainIndex(values) == 1)
        #expect(Fairness.peakToMean(values) >= 1)
        for count in 1...64 {
            for value in [7.0 / 9, 1.0 / 3, 0.1, 2.0 / 3] {
                let equal = Array(repeating: value, count: count)
                #expect(Fairness.jainIndex(equal) <= 1 && Fairness.peakToMean(equal) >= 1, "\(count) × \(value)")
            }
        }
    }

    @Test("Jain's index on hand-computed vectors", arguments: [
        ([1.0, 1, 1, 1], 1.0),
        ([1.0, 0, 0, 0], 0.25),
        // (1+2+3)² / (3·(1+4+9)) = 36/42
        ([1.0, 2, 3], 36.0 / 42),
        // (5+5+0)² / (3·50) = 100/150
        ([5.0, 5, 0], 2.0 / 3),
        // convention: nothing shared unevenly
        ([0.0, 0, 0], 1.0),
        ([Double](), 1.0),
    ])
    func jain(values: [Double], expected: Double) {
        #expect(abs(Fairness.jainIndex(values) - expected) < 1e-12)
    }

    @Test("Jain's index equals 1/(1 + CV²)")
    func jainAndVariation() {
        let values = [3.0, 7, 1, 9, 4]
        let mean = values.reduce(0, +) / 5
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
        #expect(abs(Fairness.jainIndex(values) - 1 / (1 + variance / (mean * mean))) < 1e-12)
    }

    @Test("peak to mean on hand-computed vectors", arguments: [
        ([2.0, 2, 2], 1.0),
        ([4.0, 0, 0, 0], 4.0),
        ([1.0, 2, 3], 1.5),
        ([0.0, 0], 1.0),
    ])
    func peakToMean(values: [Double], expected: Double) {
        #expect(abs(Fairness.peakToMean(values) - expected) < 1e-12)
    }

    /// The seed's example: A (weight 4, 8 active) scores 2, B (weight 1, 3 active) scores 3.
    @Test("weight normalisation divides by weight and leaves drained servers out")
    func normalisation() {
        #expect(Fairness.weightNormalized([8, 3], weights: [4, 1]) == [2, 3])
        #expect(Fairness.weightNormalized([8, 5, 3], weights: [4, 0, 1]) == [2, 3])
        // (2+3)² / (2·(4+9)) = 25/26
        #expect(abs(Fairness.jainIndex(Fairness.weightNormalized([8, 3], weights: [4, 1])) - 25.0 / 26) < 1e-12)
    }
}
