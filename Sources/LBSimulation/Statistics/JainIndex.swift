/// Jain's fairness index, `J(x) = (Σx)² / (n · Σx²)`: 1 when every `x` is equal, `1/n` when one
/// holds everything (Jain, Chiu & Hawe, DEC-TR-301, 1984). Divide each `x` by its fair share
/// first for the weighted index.
enum JainIndex {
    /// `J(values)`; 1 for all zeros (nothing to be unfair about).
    ///
    /// - Complexity: O(n).
    static func of(_ values: [Double]) -> Double {
        let sum = values.reduce(0, +)
        let sumOfSquares = values.reduce(0) { $0 + $1 * $1 }
        return sumOfSquares == 0 ? 1 : sum * sum / (Double(values.count) * sumOfSquares)
    }
}
