import Foundation

/// Parses the comma-separated lists the command line takes (`--selectors min-heap,p2c`,
/// `--servers 8,64`), with one-line errors that name the valid choices.
///
/// - Complexity: every function is O(length of the text × choices).
public enum ListParsing {
    /// Names of a catalogue (`SelectorKind`, `Workload`, `LockKind`); `all` means every case.
    ///
    /// - Throws: `RunConfigurationError.unknownName` listing every valid name, or `.emptyList`.
    public static func names<Choice: CaseIterable & RawRepresentable<String>>(
        _ text: String, option: String, as choice: Choice.Type = Choice.self
    ) throws(RunConfigurationError) -> [Choice] {
        let items = split(text)
        if items.isEmpty { throw .emptyList(option: option) }
        if items == ["all"] { return Array(Choice.allCases) }
        var result: [Choice] = []
        for item in items {
            guard let value = Choice(rawValue: item) else {
                throw .unknownName(option: option, name: item, valid: Choice.allCases.map(\.rawValue))
            }
            if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
        }
        return result
    }

    /// Positive integers: `"8,64,1024"` → `[8, 64, 1024]`.
    ///
    /// - Throws: `RunConfigurationError.notPositive` for anything that is not an integer ≥ 1.
    public static func positiveIntegers(_ text: String, option: String) throws(RunConfigurationError) -> [Int] {
        let items = split(text)
        if items.isEmpty { throw .emptyList(option: option) }
        var result: [Int] = []
        for item in items {
            guard let value = Int(item), value >= 1 else { throw .notPositive(option: option, value: item) }
            result.append(value)
        }
        return result
    }

    /// Weights: integers ≥ 0 (0 drains a server); range checks are `WeightValidation`'s.
    ///
    /// - Throws: `RunConfigurationError.invalidWeights` for a negative weight, `.notPositive`
    ///   for text that is not an integer.
    public static func weights(_ text: String) throws(RunConfigurationError) -> [Int] {
        let items = split(text)
        if items.isEmpty { throw .emptyList(option: "--weights") }
        var result: [Int] = []
        for (server, item) in items.enumerated() {
            guard let value = Int(item) else { throw .notPositive(option: "--weights", value: item) }
            if value < 0 { throw .invalidWeights(.negativeWeight(server: server, weight: value)) }
            result.append(value)
        }
        return result
    }

    private static func split(_ text: String) -> [String] {
        // An empty item (`8,,64`) is kept, so it is reported rather than silently skipped.
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return items == [""] ? [] : items
    }
}
