import Foundation

/// The one number formatter of every report: fixed and independent of the user's locale, so
/// the same value always prints the same characters on every machine (byte-identical reports
/// for the same seed rely on it).
///
/// - Note: Stateless; thread-safe.
package enum NumberFormat {
    /// `value` rounded to `digits` significant digits, in plain decimal notation (no
    /// exponent): `significant(2.613657, digits: 4)` is `"2.614"`, `significant(0.000123456,
    /// digits: 3)` is `"0.000123"`. Trailing zeros after the point are removed unless
    /// `trimmingZeros` is false (`"4.000"`, for table columns). Values whose magnitude is
    /// outside [1e-9, 1e15] fall back to Swift's shortest round-trip form.
    ///
    /// - Complexity: O(digits + magnitude of the exponent).
    package static func significant(_ value: Double, digits: Int, trimmingZeros: Bool = true) -> String {
        precondition(digits >= 1 && digits <= 12, "between 1 and 12 significant digits")
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        guard magnitude >= 1e-9 && magnitude <= 1e15 else { return "\(value)" }
        var exponent = Int(log10(magnitude).rounded(.down))
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

    /// `value` with exactly `decimals` digits after the point (`fixed(0.5, decimals: 2)` is
    /// `"0.50"`), correctly rounded from the binary value (C's `%.*f`), for table columns that
    /// must line up. A negative value that rounds to zero prints without its sign (`"0.00"`).
    ///
    /// - Complexity: O(digits).
    package static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 9, "between 0 and 9 decimals")
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && text.allSatisfy({ "-0.".contains($0) }) ? String(text.dropFirst()) : text
    }

    /// `1234567` → `"1,234,567"`.
    ///
    /// - Complexity: O(digits).
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Picks per second as a short figure: `"12.3 M"`, `"845 k"`, `"910"`.
    ///
    /// - Complexity: O(1).
    package static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 10_000_000...: "\(fixed(perSecond / 1_000_000, decimals: 1)) M"
        case 1_000_000...: "\(fixed(perSecond / 1_000_000, decimals: 2)) M"
        case 10_000...: "\(fixed(perSecond / 1_000, decimals: 0)) k"
        default: fixed(perSecond, decimals: 0)
        }
    }

    /// An estimated duration in the unit it reads best in, two significant digits (see
    /// `significant`): `"45 s"`, `"3.5 minutes"`, `"2.7 hours"`, `"41 days"`.
    ///
    /// - Complexity: O(1).
    package static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: "\(significant(seconds, digits: 2)) s"
        case ..<7_200: "\(significant(seconds / 60, digits: 2)) minutes"
        case ..<172_800: "\(significant(seconds / 3_600, digits: 2)) hours"
        default: "\(significant(seconds / 86_400, digits: 2)) days"
        }
    }

    /// Nanoseconds as a short figure: `"42"`, `"1,234"`.
    ///
    /// - Complexity: O(digits).
    package static func nanoseconds(_ value: UInt64) -> String {
        grouped(Int(clamping: value))
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
