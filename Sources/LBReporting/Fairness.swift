/// Fairness figures over per-server quantities.
///
/// Every figure works on *weight-normalised* values `x / weight` (a server of weight 2 is
/// expected to carry twice as much) and leaves drained servers (weight 0) out: they get no
/// new picks by design, so counting them would call a correct drain unfair.
public enum Fairness {
    /// Jain's index J(x) = (Σx)² / (n·Σx²): 1 when every value is equal, 1/n when one value
    /// holds everything (Jain, Chiu & Hawe, DEC-TR-301, 1984).
    ///
    /// By convention 1 for an empty list or all zeros: nothing is unevenly shared.
    /// - Complexity: O(n).
    @inlinable
    public static func jainIndex(_ values: some Collection<Double>) -> Double {
        Sums(values).jainIndex
    }

    /// The largest value over the mean: 1 when even, n when one value holds everything.
    ///
    /// By convention 1 for an empty list or all zeros.
    /// - Complexity: O(n).
    @inlinable
    public static func peakToMean(_ values: some Collection<Double>) -> Double {
        Sums(values).peakToMean
    }

    /// The running sums behind `jainIndex` and `peakToMean`, filled one value at a time: a hot
    /// loop (the simulator samples its farm's load on every event) gets both figures in one
    /// pass over its own storage, with no collection or closure to build.
    ///
    /// - Complexity: `add` and both figures O(1).
    /// - Note: Not thread-safe: a value.
    public struct Sums {
        @usableFromInline var count = 0
        @usableFromInline var sum = 0.0
        @usableFromInline var sumOfSquares = 0.0
        @usableFromInline var peak = 0.0

        /// No values yet.
        @inlinable
        public init() {}

        /// The sums of `values`.
        @inlinable
        public init(_ values: some Collection<Double>) {
            for value in values { add(value) }
        }

        /// Counts one more value.
        @inlinable
        public mutating func add(_ value: Double) {
            count += 1
            sum += value
            sumOfSquares += value * value
            peak = max(peak, value)
        }

        /// The sum of the values added.
        @inlinable
        public var total: Double { sum }

        /// Jain's index of the values added (`Fairness.jainIndex`).
        @inlinable
        public var jainIndex: Double {
            guard sumOfSquares > 0 else { return 1 }
            // At most 1 in exact arithmetic; rounding can land a hair above it (three equal
            // values of 7/9 give 1.0000000000000002), which the results reader refuses.
            return min(1, sum * sum / (Double(count) * sumOfSquares))
        }

        /// The largest value added over their mean (`Fairness.peakToMean`).
        @inlinable
        public var peakToMean: Double {
            guard sum > 0 else { return 1 }
            // At least 1 in exact arithmetic; likewise kept there against rounding.
            return max(1, peak / (sum / Double(count)))
        }
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
