/// Range checks for numeric options, shared by every command so that each out-of-range value
/// gets the same one line: the option, the value, the bounds and why they are there.
///
/// Bounds come from what the program can honour (time, memory, exact arithmetic), not from
/// the type's range; the constants live next to the code they protect (`RunConfiguration.Limits`,
/// `SimulationConfiguration`).
///
/// - Complexity: O(1).
public enum OptionRange {
    /// Parses `text` as an integer in `range`.
    ///
    /// - Throws: `RunConfigurationError.notAnInteger` for other text, `.outOfRange` for an
    ///   integer outside `range`.
    public static func integer(
        _ text: String, option: String, in range: ClosedRange<Int>, reason: String
    ) throws(RunConfigurationError) -> Int {
        guard let value = Int(text) else {
            throw .notAnInteger(option: option, value: text, range: describe(range), reason: reason)
        }
        try check(value, option: option, in: range, reason: reason)
        return value
    }

    /// Throws `.outOfRange` unless `value` is in `range`.
    public static func check(
        _ value: Int, option: String, in range: ClosedRange<Int>, reason: String
    ) throws(RunConfigurationError) {
        if !range.contains(value) {
            throw .outOfRange(option: option, value: String(value), range: describe(range), reason: reason)
        }
    }

    /// Throws `.outOfRange` unless `value` is in `range` (so never for NaN or an infinity
    /// outside it).
    public static func check(
        _ value: Double, option: String, in range: ClosedRange<Double>, reason: String
    ) throws(RunConfigurationError) {
        if !range.contains(value) || value.isNaN {
            throw .outOfRange(option: option, value: describe(value), range: describe(range), reason: reason)
        }
    }

    /// `1...128`.
    public static func describe(_ range: ClosedRange<Int>) -> String {
        "\(range.lowerBound)...\(range.upperBound)"
    }

    /// `0.001...3600`.
    public static func describe(_ range: ClosedRange<Double>) -> String {
        "\(describe(range.lowerBound))...\(describe(range.upperBound))"
    }

    /// A number as short as it reads unambiguously: `3600`, `0.001`, `2e+10`, `nan`.
    public static func describe(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded() && abs(value) < 1e15 {
            return value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
        }
        return "\(value)"
    }
}

/// An integer option's bounds and why they are there: the one place its check and its line
/// live, shared by the command line, `MatrixConfiguration` and `RunConfiguration.validate()`, so
/// that a value out of range gets the same line whichever path finds it.
public struct IntegerOption: Sendable {
    /// The option as the command line spells it: `--threads`.
    public let name: String
    public let range: ClosedRange<Int>
    /// Why the bounds are there, for the line.
    public let reason: String

    /// Throws `.outOfRange` unless `value` is in `range`.
    public func check(_ value: Int) throws(RunConfigurationError) {
        try OptionRange.check(value, option: name, in: range, reason: reason)
    }

    /// Parses a comma-separated list of values in `range` (`ListParsing.integers`).
    public func integers(_ text: String) throws(RunConfigurationError) -> [Int] {
        try ListParsing.integers(text, option: name, in: range, reason: reason)
    }
}
