import LBReporting

extension NumberFormat {
    /// A simulated time as the reports print it: four significant digits, zeros kept so
    /// columns read alike, since response times span 0.01 to 10⁴.
    ///
    /// - Complexity: O(1).
    static func time(_ value: Double) -> String { significant(value, digits: 4, trimmingZeros: false) }
}
