import Foundation

/// Number formatting shared by the reports, independent of the user's locale so that output
/// is the same on every machine.
public enum Formatting {
    /// `1234567` → `"1,234,567"`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `value` with exactly `digits` digits after the point.
    public static func decimal(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// Picks per second as a short figure: `"12.3 M"`, `"845 k"`, `"910"`.
    public static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 10_000_000...: "\(decimal(perSecond / 1_000_000, digits: 1)) M"
        case 1_000_000...: "\(decimal(perSecond / 1_000_000, digits: 2)) M"
        case 10_000...: "\(decimal(perSecond / 1_000, digits: 0)) k"
        default: decimal(perSecond, digits: 0)
        }
    }

    /// Nanoseconds as a short figure: `"42"`, `"1,234"`.
    public static func nanoseconds(_ value: UInt64) -> String {
        grouped(Int(clamping: value))
    }
}
