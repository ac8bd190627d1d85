/// Per-batch sums of a measured quantity, for the method of batch means.
///
/// The measured requests, in arrival order, are cut into `B` consecutive batches of (nearly)
/// equal size. Response times of neighbouring requests are correlated, so their sample
/// variance says nothing about the error of their mean; batch means of long batches are
/// nearly independent and nearly normal, so `mean ± t(B−1) · s / √B`, with `s` the standard
/// deviation of the batch means, is a confidence interval for the steady-state mean (Law &
/// Kelton, *Simulation Modeling and Analysis*, §9.5.3).
///
/// - Complexity: `add` O(1). Memory: 16 bytes per batch.
/// - Note: Not thread-safe.
struct BatchMeans {
    private var sums: [Double]
    private var counts: [Int]

    init(batches: Int) {
        sums = Array(repeating: 0, count: batches)
        counts = Array(repeating: 0, count: batches)
    }

    mutating func add(_ value: Double, toBatch batch: Int) {
        sums[batch] += value
        counts[batch] += 1
    }

    /// The batch means, empty batches left out.
    var summary: BatchSummary {
        BatchSummary(means: zip(sums, counts).compactMap { sum, count in count > 0 ? sum / Double(count) : nil })
    }
}

/// The batch means of one quantity, and confidence intervals from them.
///
/// - Note: A value; thread-safe. Memory: 8 bytes per batch.
public struct BatchSummary: Sendable, Equatable {
    /// One mean per batch, in arrival order.
    public let means: [Double]

    /// The mean of the batch means.
    ///
    /// - Complexity: O(batches).
    public var mean: Double { means.reduce(0, +) / Double(means.count) }

    /// Batch by batch, `self − other`: with common random numbers (two routers fed the same
    /// requests) the batches are paired, and the interval of the difference is far tighter than
    /// either interval alone.
    ///
    /// - Complexity: O(batches).
    public func pairedDifference(from other: BatchSummary) -> BatchSummary {
        precondition(means.count == other.means.count, "paired batches must correspond one to one")
        return BatchSummary(means: zip(means, other.means).map { $0 - $1 })
    }

    /// Half the width of the two-sided confidence interval at `confidence` (e.g. 0.95):
    /// `t(confidence, B−1) · s / √B`; infinite with fewer than two batches.
    ///
    /// - Complexity: O(batches), plus one Student t quantile.
    public func halfWidth(confidence: Double) -> Double {
        guard means.count >= 2 else { return .infinity }
        let mean = self.mean
        let variance = means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(means.count - 1)
        let quantile = StudentT.quantile(0.5 + confidence / 2, degreesOfFreedom: means.count - 1)
        return quantile * (variance / Double(means.count)).squareRoot()
    }
}
