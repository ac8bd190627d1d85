/// Fairness figures over per-server quantities.
///
/// Every figure works on *weight-normalised* values `x / weight` (a server of weight 2 is
/// expected to carry twice as much) and leaves drained servers (weight 0) out: they get no
/// new picks by design, so counting them would call a correct drain unfair.
package enum Fairness {
    /// Jain's index J(x) = (Σx)² / (n·Σx²): 1 when every value is equal, 1/n when one value
    /// holds everything (Jain, Chiu & Hawe, DEC-TR-301, 1984).
    ///
    /// By convention 1 for an empty list or all zeros: nothing is unevenly shared.
    /// - Complexity: O(n).
    @inlinable
    package static func jainIndex(_ values: some Collection<Double>) -> Double {
        var sum = 0.0
        var sumOfSquares = 0.0
        for value in values {
            sum += value
            sumOfSquares += value * value
        }
        guard sumOfSquares > 0 else { return 1 }
        return sum * sum / (Double(values.count) * sumOfSquares)
    }

    /// The largest value over the mean: 1 when even, n when one value holds everything.
    ///
    /// By convention 1 for an empty list or all zeros.
    /// - Complexity: O(n).
    @inlinable
    package static func peakToMean(_ values: some Collection<Double>) -> Double {
        var sum = 0.0
        var peak = 0.0
        for value in values {
            sum += value
            peak = max(peak, value)
        }
        guard sum > 0 else { return 1 }
        return peak / (sum / Double(values.count))
    }

    /// `quantities[i] / weights[i]` for every server with a positive weight, in server order.
    ///
    /// - Precondition: `quantities.count == weights.count`.
    /// - Complexity: O(n).
    package static func weightNormalized(_ quantities: [Double], weights: [Int]) -> [Double] {
        precondition(quantities.count == weights.count, "one quantity per server")
        return zip(quantities, weights).compactMap { quantity, weight in
            weight > 0 ? quantity / Double(weight) : nil
        }
    }

    /// Busiest ÷ average of `quantities[i] / weights[i]` (`peakToMean` of `weightNormalized`):
    /// 1 when every server carries in proportion to its weight. `lbbench-live` and
    /// `lbbench simulate` compute their busiest ÷ average in-flight with it.
    ///
    /// - Precondition: `quantities.count == weights.count`.
    /// - Complexity: O(n).
    package static func busiestOverAverage(_ quantities: [Double], weights: [Int]) -> Double {
        peakToMean(weightNormalized(quantities, weights: weights))
    }
}
