import LBReporting

/// Measured figures printed beside the bound a claim compares them with, or beside each other.
///
/// Rounded to a fixed number of decimals a figure can print as its bound, or beyond it, while
/// the verdict says otherwise: a jainLoad of 0.9896 as "0.990" beside a failed "at least 0.99",
/// a ratio of 2.004 as "2.00×" beside a failed "at most 2×"; and two figures can print equal, or
/// in the other order, while the verdict compares them. Here decimals are added, up to six,
/// until the printed figures sit where the figures themselves do. The decision is made on the
/// very text that is printed (`NumberFormat.fixed`, rounded from the binary value), so that a
/// figure just below a decimal tie (2.005 is 2.00499…) is judged as it prints ("2.00").
enum BoundedFigure {
    /// `value` with at least `decimals` decimals, and more while fewer would misplace it
    /// against `bound`.
    ///
    /// - Complexity: O(1).
    static func fixed(_ value: Double, decimals: Int, against bound: Double) -> String {
        let places = places(from: decimals, [value]) { printed in order(printed[0], bound) == order(value, bound) }
        return NumberFormat.fixed(value, decimals: places)
    }

    /// `values`, each with the same number of decimals: at least `decimals`, and more while
    /// fewer would print two of them in another order than theirs (or equal where they differ).
    ///
    /// - Complexity: O(values²).
    static func fixed(_ values: [Double], decimals: Int) -> [String] {
        let places = places(from: decimals, values) { printed in
            values.indices.allSatisfy { first in
                values.indices.allSatisfy { order(printed[first], printed[$0]) == order(values[first], values[$0]) }
            }
        }
        return values.map { NumberFormat.fixed($0, decimals: places) }
    }

    /// `fixed(value, decimals:, against:)` with its sign, for a gap: "+" before a figure that is
    /// not negative, "-" before a negative one (also one that prints as zero).
    ///
    /// - Complexity: O(1).
    static func signed(_ value: Double, decimals: Int, against bound: Double) -> String {
        let text = fixed(value, decimals: decimals, against: bound)
        return text.hasPrefix("-") ? text : (value < 0 ? "-" : "+") + text
    }

    /// "<", "=" or ">": how `first` compares with `second`, for a text that states the order
    /// the verdict found.
    static func relation(_ first: Double, _ second: Double) -> String {
        ["<", "=", ">"][order(first, second) + 1]
    }

    /// The fewest decimals from `decimals` up to six at which `holds` accepts the values as
    /// printed (read back from their text).
    private static func places(from decimals: Int, _ values: [Double], holds: ([Double]) -> Bool) -> Int {
        var places = decimals
        while places < 6, !holds(values.map { Double(NumberFormat.fixed($0, decimals: places)) ?? $0 }) { places += 1 }
        return places
    }

    /// How `first` compares with `second`: -1, 0 or 1.
    private static func order(_ first: Double, _ second: Double) -> Int {
        first < second ? -1 : first > second ? 1 : 0
    }
}
