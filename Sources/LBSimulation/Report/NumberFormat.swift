/// Fixed, locale-free number formatting for reports: the same value always prints the same
/// characters, which byte-identical JSON for the same seed relies on.
public enum NumberFormat {
    /// `value` rounded to `digits` significant digits, in plain decimal notation (no
    /// exponent): `significant(2.613657, digits: 4)` is `"2.614"`, `significant(0.000123456,
    /// digits: 3)` is `"0.000123"`. Trailing zeros after the point are removed unless
    /// `trimmingZeros` is false (`"4.000"`, for table columns). Values whose magnitude is
    /// outside [1e-9, 1e15] fall back to Swift's shortest round-trip form.
    ///
    /// - Complexity: O(digits + magnitude of the exponent).
    public static func significant(_ value: Double, digits: Int, trimmingZeros: Bool = true) -> String {
        precondition(digits >= 1 && digits <= 12, "between 1 and 12 significant digits")
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        guard magnitude >= 1e-9 && magnitude <= 1e15 else { return "\(value)" }
        var exponent = Int(LibM.log10(magnitude).rounded(.down))
        var mantissa = scaled(magnitude, digits: digits, exponent: exponent)
        // log10 may be off by one near powers of ten; the mantissa must have exactly `digits` digits.
        if mantissa >= power(digits) {
            exponent += 1
            mantissa = scaled(magnitude, digits: digits, exponent: exponent)
        } else if mantissa < power(digits - 1) {
            exponent -= 1
            mantissa = scaled(magnitude, digits: digits, exponent: exponent)
        }
        if mantissa >= power(digits) {
            // Rounding carried into a new digit (9.9996 → 10.00).
            mantissa /= 10
            exponent += 1
        }
        var text = String(mantissa)
        // The value is mantissa × 10^(exponent − digits + 1).
        let pointPosition = exponent + 1
        if pointPosition <= 0 {
            text = "0." + String(repeating: "0", count: -pointPosition) + text
        } else if pointPosition >= text.count {
            text += String(repeating: "0", count: pointPosition - text.count)
        } else {
            text.insert(".", at: text.index(text.startIndex, offsetBy: pointPosition))
        }
        if trimmingZeros && text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return value < 0 ? "-" + text : text
    }

    /// A time as the reports print it: four significant digits, zeros kept so columns read
    /// alike, since response times span 0.01 to 10⁴.
    ///
    /// - Complexity: O(1).
    static func time(_ value: Double) -> String { significant(value, digits: 4, trimmingZeros: false) }

    /// `value` with exactly `decimals` digits after the point (`fixed(0.5, decimals: 2)` is
    /// `"0.50"`), for table columns that must line up.
    ///
    /// - Complexity: O(digits).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 9, "between 0 and 9 decimals")
        guard value.isFinite, abs(value) < 1e15 else { return significant(value, digits: 6) }
        let scale = power(decimals)
        let units = Int64((abs(value) * Double(scale)).rounded())
        var text = String(units / scale)
        if decimals > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return value < 0 && units != 0 ? "-" + text : text
    }

    /// `magnitude` × 10^(digits − 1 − exponent), rounded to an integer. The shift is at most
    /// 22 either way (digits ≤ 12, magnitudes in [1e-9, 1e15]), so the power of ten is exact
    /// as a `Double` and the product is correctly rounded.
    private static func scaled(_ magnitude: Double, digits: Int, exponent: Int) -> Int64 {
        let shift = digits - 1 - exponent
        let scaled = shift >= 0 ? magnitude * exactPowerOfTen(shift) : magnitude / exactPowerOfTen(-shift)
        return Int64(scaled.rounded())
    }

    /// 10^exponent for 0 ≤ exponent ≤ 22, exact.
    private static func exactPowerOfTen(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// 10^exponent for 0 ≤ exponent ≤ 18.
    private static func power(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
