/// The median of a list of figures, as the reports and claims summarise repeated cells.
package enum Median {
    /// The middle value, or the mean of the two middle values of an even count (not the upper
    /// one, which with two values is their maximum: one noisy cell would decide).
    ///
    /// - Precondition: `values` is not empty.
    /// - Complexity: O(n log n).
    package static func of(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the median of no values")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
