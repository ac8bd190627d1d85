@testable import LBHarness
import Testing

/// Every expected value here is computed by hand from J(x) = (Σx)² / (n·Σx²).
@Suite("Fairness figures")
struct FairnessTests {
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

    /// Weights [2, 1, 0]: snapshot [4, 2, 7] normalises to [2, 2] (J 1, peak/mean 1);
    /// [2, 2, 0] to [1, 2] (J 9/10, peak/mean 2/1.5).
    @Test("load samples average per-snapshot figures")
    func loadSamples() {
        var samples = LoadSamples(weights: [2, 1, 0])
        #expect(samples.jainLoad == 1 && samples.peakToMeanLoad == 1 && samples.count == 0)
        samples.record([4, 2, 7])
        samples.record([2, 2, 0])
        #expect(samples.count == 2)
        #expect(abs(samples.jainLoad - (1 + 0.9) / 2) < 1e-12)
        #expect(abs(samples.peakToMeanLoad - (1 + 2 / 1.5) / 2) < 1e-12)
        #expect(samples.meanActive == [3, 2, 3.5])
    }

    @Test("a load snapshot with one server holding everything scores 1/n")
    func pileUp() {
        var samples = LoadSamples(weights: [1, 1, 1, 1])
        samples.record([12, 0, 0, 0])
        #expect(abs(samples.jainLoad - 0.25) < 1e-12)
        #expect(abs(samples.peakToMeanLoad - 4) < 1e-12)
    }
}
