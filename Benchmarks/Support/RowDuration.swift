import Foundation

/// How long each row of a suite that uses it measures: 1 s, or the seconds in
/// `LBBENCH_BENCHMARK_SECONDS` (0.01...1; out of range: one line on stderr, exit 64). The malloc
/// gate needs no second per row: its samples repeat the same work on a fresh selector, so 0.1 s
/// of them sees what 1 s sees (`scripts/test.sh`; the SingleThread gate took 135 → 48 s here).
/// Wall times: compare full-length runs only.
public func rowDuration() -> Duration {
    guard let text = ProcessInfo.processInfo.environment["LBBENCH_BENCHMARK_SECONDS"] else { return .seconds(1) }
    guard let seconds = Double(text), (0.01...1).contains(seconds) else {
        FileHandle.standardError.write(Data("LBBENCH_BENCHMARK_SECONDS \(text) is out of range: must be in 0.01...1\n".utf8))
        exit(64)
    }
    return .milliseconds(Int((seconds * 1_000).rounded()))
}
