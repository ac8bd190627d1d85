/// Arithmetic for estimates over unchecked input (a server count times a thread count times
/// bytes), which must give "too much", never trap or wrap.
extension Int {
    /// `self + other`, or `Int.max` on overflow.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self × other`, or `Int.max` on overflow (both non-negative).
    func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
