import ArgumentParser

/// Refuses an option given more than once. argument-parser keeps the last value of a repeated
/// option, so `--servers 0 --servers 8` would run with 8 and neither honour nor refuse the 0;
/// every option of these commands takes one value (lists are comma-separated) except the few
/// declared repeatable (`compare --base FILE --base FILE`), so any other repeat is a mistake.
/// Checked on the raw arguments before parsing.
public enum RepeatedOptions {
    /// Throws for the first `--name` (or `--name=value`) that `arguments` give a second time,
    /// unless `repeatable` holds it (`"--base"`); nothing after a lone `--` counts, and `--help`
    /// may repeat.
    ///
    /// - Complexity: O(arguments) expected.
    public static func check(_ arguments: [String], repeatable: Set<String> = []) throws(ValidationError) {
        var seen: Set<Substring> = []
        for argument in arguments {
            if argument == "--" { return }
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            let name = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if name != "--help" && !repeatable.contains(String(name)) && !seen.insert(name).inserted {
                throw ValidationError("\(name) is given more than once: give each option once (a list takes comma-separated values)")
            }
        }
    }
}
