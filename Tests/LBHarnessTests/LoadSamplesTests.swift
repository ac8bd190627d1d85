@testable import LBHarness
import Testing

/// Expected values computed by hand from J(x) = (Σx)² / (n·Σx²) over weight-normalised counts.
@Suite("Load samples")
struct LoadSamplesTests {
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
