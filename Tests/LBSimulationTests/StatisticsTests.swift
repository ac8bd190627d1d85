import LBRandom
@testable import LBSimulation
import LoadBalancing
import Testing

@Suite("Statistics: Student t, batch means, histogram, Jain's index")
struct StatisticsTests {
    @Test("Student t quantiles match the tables")
    func studentT() {
        let table: [(p: Double, df: Int, t: Double)] = [
            (0.975, 1, 12.706204736), (0.975, 29, 2.045229642), (0.995, 10, 3.169272673),
            (0.95, 5, 2.015048373), (0.975, 1_000, 1.962339081),
        ]
        for row in table {
            let t = StudentT.quantile(row.p, degreesOfFreedom: row.df)
            #expect(abs(t - row.t) < 1e-6, "t(\(row.p), \(row.df)) = \(t), table \(row.t)")
            #expect(abs(StudentT.distribution(t, degreesOfFreedom: row.df) - row.p) < 1e-12)
        }
        #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: 29) + 2.045229642) < 1e-6)
        #expect(StudentT.distribution(0, degreesOfFreedom: 7) == 0.5)
    }

    @Test("batch-means interval: t · s / √B")
    func batchMeans() {
        var batches = BatchMeans(batches: 4)
        for (batch, values) in [[1.0, 3.0], [4.0], [3.0, 3.0, 3.0], [5.0]].enumerated() {
            for value in values { batches.add(value, toBatch: batch) }
        }
        let summary = batches.summary
        #expect(summary.means == [2, 4, 3, 5])
        #expect(summary.mean == 3.5)
        // s² = (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3; t(0.975, 3) = 3.182446305.
        let expected = 3.182446305 * (5.0 / 3 / 4).squareRoot()
        #expect(abs(summary.halfWidth(confidence: 0.95) - expected) < 1e-8)
        #expect(BatchSummary(means: [1]).halfWidth(confidence: 0.95) == .infinity)
    }

    @Test("histogram percentiles are within 0.2% of the exact ones", arguments: [UInt64(1), 2, 3])
    func histogram(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var histogram = LogHistogram()
        var values: [Double] = []
        for _ in 0..<100_000 {
            // Log-uniform over 10⁻⁴…10⁴, like response times.
            let value = LibM.pow(10, 8 * random.nextUnitInterval() - 4)
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        let quantiles = [0.0001, 0.5, 0.9, 0.99, 0.999, 1]
        for (quantile, estimate) in zip(quantiles, histogram.percentiles(quantiles)) {
            let exact = values[max(0, Int((quantile * Double(values.count)).rounded(.up)) - 1)]
            #expect(abs(estimate / exact - 1) < 0.002, "q \(quantile): \(estimate) vs \(exact)")
        }
        #expect(histogram.total == 100_000)
        #expect(histogram.maximum == values.last)
        #expect(histogram.percentiles([1])[0] == values.last, "clamped to the exact maximum")
    }

    @Test("histogram: constant values are reported exactly; empty gives 0")
    func histogramEdges() {
        var histogram = LogHistogram()
        for _ in 0..<10 { histogram.record(1) }
        #expect(histogram.percentiles([0.5, 0.99]) == [1, 1])
        #expect(LogHistogram().percentiles([0.5]) == [0])
    }

    /// Guards the rank rule `⌈q · n⌉`: a mutant that rounded it down survived (the other tests
    /// record 100,000 values, where q · n is a whole number).
    @Test("histogram: the q-quantile of a few values is the ⌈q·n⌉-th smallest")
    func histogramRanks() {
        var histogram = LogHistogram()
        for value in [1.0, 2, 3] { histogram.record(value) }
        // ⌈0.3 · 3⌉ = 1, ⌈0.5 · 3⌉ = 2, ⌈0.9 · 3⌉ = 3.
        let estimates = histogram.percentiles([0.3, 0.5, 0.9])
        for (estimate, exact) in zip(estimates, [1.0, 2, 3]) {
            #expect(abs(estimate / exact - 1) < 0.002, "\(estimates)")
        }
    }

    /// Guards the sign of a paired difference, which the weighted-versus-unweighted finding prints
    /// as "unweighted − weighted": a mutant that subtracted the other way survived.
    @Test("paired batches: self − other, batch by batch")
    func pairedDifference() {
        let difference = BatchSummary(means: [5, 7, 6]).pairedDifference(from: BatchSummary(means: [4, 4, 5]))
        #expect(difference.means == [1, 3, 1])
        #expect(difference.mean == 5.0 / 3)
    }
}
