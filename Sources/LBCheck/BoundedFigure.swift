import LBReporting

/// A measured figure printed beside the bound a claim compares it with.
///
/// Rounded to a fixed number of decimals a figure can print as its bound, or beyond it, while
/// the verdict says otherwise: a jainLoad of 0.9896 as "0.990" beside a failed "at least 0.99",
/// a ratio of 2.004 as "2.00×" beside a failed "at most 2×". Here decimals are added, up to six,
/// until the printed figure sits on the same side of the bound as the figure itself.
enum BoundedFigure {
    /// `value` with at least `decimals` decimals, and more while fewer would misplace it
    /// against `bound`.
    ///
    /// - Complexity: O(1).
    static func fixed(_ value: Double, decimals: Int, against bound: Double) -> String {
        var places = decimals
        while places < 6 {
            let scale = Double.pow10(places)
            let printed = (value * scale).rounded() / scale
            if (printed < bound) == (value < bound) && (printed > bound) == (value > bound) { break }
            places += 1
        }
        return NumberFormat.fixed(value, decimals: places)
    }
}

private extension Double {
    /// 10 to the power `exponent` (0 … 6), exactly.
    static func pow10(_ exponent: Int) -> Double {
        (0..<exponent).reduce(1) { product, _ in product * 10 }
    }
}
