import Foundation
import LoadBalancing

/// Parses the comma-separated lists every command takes (`--selectors min-heap,p2c`,
/// `--servers 8,64`), with one rule set for all of them and one-line errors that name the
/// option and the valid choices or bounds:
/// - an empty list or an empty item (`8,,64`, `buckets,`) is an error, never skipped;
/// - a repeated item (`8,8`, `buckets,buckets`) is kept once, first occurrence first, so no
///   cell or run is made twice;
/// - `all` means every choice of a catalogue (`all,p2c` is still every choice).
///
/// Weights are the exception to the duplicate rule: they are one value per server, in order.
///
/// - Complexity: every function is O(length of the text × choices).
public enum ListParsing {
    /// Names of a catalogue (`SelectorKind`, `Workload`, `LockKind`); `all` means every case.
    ///
    /// - Throws: `RunConfigurationError.unknownName` listing every valid name, `.emptyList`
    ///   or `.emptyItem`.
    public static func names<Choice: CaseIterable & RawRepresentable<String>>(
        _ text: String, option: String, as choice: Choice.Type = Choice.self
    ) throws(RunConfigurationError) -> [Choice] {
        try names(text, option: option, all: Array(Choice.allCases), name: \.rawValue)
    }

    /// Names of any catalogue: `all` among them means every choice; other items must equal some choice's `name`.
    ///
    /// - Throws: `RunConfigurationError.unknownName` listing every valid name, `.emptyList`
    ///   or `.emptyItem`.
    public static func names<Choice>(
        _ text: String, option: String, all: [Choice], name: (Choice) -> String
    ) throws(RunConfigurationError) -> [Choice] {
        let items = try split(text, option: option)
        var result: [Choice] = []
        var seen: Set<String> = []
        // Every item is checked, also beside `all`: `all,foo` is a typo, not every choice.
        for item in items where item != "all" {
            guard let value = all.first(where: { name($0) == item }) else {
                throw .unknownName(option: option, name: item, valid: all.map(name) + ["all"])
            }
            if seen.insert(item).inserted { result.append(value) }
        }
        return items.contains("all") ? all : result
    }

    /// Integers in `range`: `"8,64,1024"` → `[8, 64, 1024]`, repeats dropped unless
    /// `keepingRepeats` (a value per server, in order: the simulator's `--weights`).
    ///
    /// - Throws: `RunConfigurationError.notAnInteger` or `.outOfRange` naming the bounds,
    ///   `.emptyList` or `.emptyItem`.
    public static func integers(
        _ text: String, option: String, in range: ClosedRange<Int>, reason: String, keepingRepeats: Bool = false
    ) throws(RunConfigurationError) -> [Int] {
        var result: [Int] = []
        var seen: Set<Int> = []
        for item in try split(text, option: option) {
            let value = try OptionRange.integer(item, option: option, in: range, reason: reason)
            if seen.insert(value).inserted || keepingRepeats { result.append(value) }
        }
        return result
    }

    /// Weights: integers ≥ 0 (0 drains a server), one per server, in order; range checks
    /// are `WeightValidation`'s.
    ///
    /// - Throws: `RunConfigurationError.invalidWeights` for a negative weight, `.notAnInteger`
    ///   for text that is not an integer, `.emptyList` or `.emptyItem`.
    public static func weights(_ text: String) throws(RunConfigurationError) -> [Int] {
        var result: [Int] = []
        for (server, item) in try split(text, option: "--weights").enumerated() {
            guard let value = Int(item) else {
                throw .notAnInteger(option: "--weights", value: item, range: "0...\(SelectorLimits.maximumWeight)",
                                    reason: "one weight per server; 0 drains it")
            }
            if value < 0 { throw .invalidWeights(.negativeWeight(server: server, weight: value)) }
            result.append(value)
        }
        return result
    }

    /// The trimmed items of `text`.
    ///
    /// - Throws: `.emptyList` for blank text, `.emptyItem` for `8,,64` or `buckets,`.
    private static func split(_ text: String, option: String) throws(RunConfigurationError) -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if items == [""] { throw .emptyList(option: option) }
        if items.contains("") { throw .emptyItem(option: option, list: text) }
        return items
    }
}
