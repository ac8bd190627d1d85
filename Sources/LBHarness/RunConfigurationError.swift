import LBReporting
import LoadBalancing

/// Why a run could not be configured: bad input from the command line or a caller.
///
/// Every case reads as one line, so the command line can print it and exit 64.
public enum RunConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A name in a list (`--selectors`, `--workloads`, `--locks`) is not one of `valid`.
    case unknownName(option: String, name: String, valid: [String])
    /// A count that has no upper bound (a cell's load sample interval) is zero or negative.
    case notPositive(option: String, value: String)
    /// An option list is empty.
    case emptyList(option: String)
    /// `--weights` has a different length than a server count in the run.
    case weightsLengthMismatch(weights: Int, servers: Int)
    /// The weights themselves are invalid (negative, too large, all drained).
    case invalidWeights(SelectorConfigurationError)
    /// Fewer connections in flight than threads: a worker would hold none.
    case concurrencyBelowThreads(concurrency: Int, threads: Int)
    /// `--picks` and `--seconds` both given.
    case conflictingLengths
    /// `--quick`, which sets the length, given with `option` (`--picks` or `--seconds`).
    case quickWithLength(option: String)
    /// A list has an empty item (`8,,64`, `buckets,`).
    case emptyItem(option: String, list: String)
    /// A number outside the range the program can honour; `range` reads like `1...128`.
    case outOfRange(option: String, value: String, range: String, reason: String)
    /// Text where an integer in `range` was expected.
    case notAnInteger(option: String, value: String, range: String, reason: String)
    /// A selector that scans every server would scan for longer than
    /// `RunConfiguration.Limits.maximumScanSeconds` in one cell, by the estimate given.
    case tooMuchWork(selector: String, visits: ScanVisits, fills: Int, picks: Int, estimatedSeconds: Double, nanosecondsPerVisit: Double)
    /// So many cells that, even at the fewest connections each (`concurrency`, the largest
    /// thread count) and the shortest `length`, they would take longer than a run may last
    /// (`RunConfiguration.Limits.maximumRunSeconds`), by the estimate given.
    case tooManyCells(cells: Int, estimatedSeconds: Double, concurrency: Int, length: String)
    /// The run's estimated peak memory exceeds the budget.
    case overMemoryBudget(MemoryBudget.Excess)
    /// `--locks` given, but no selector of the run uses a lock or other synchronization.
    case locksWithoutLockBasedSelector(selectors: [String])

    public var description: String {
        switch self {
        case let .unknownName(option, name, valid):
            "unknown \(option) '\(name)'; valid: \(valid.joined(separator: ", "))"
        case let .notPositive(option, value):
            "\(option) must be a positive number, got '\(value)'"
        case let .emptyList(option):
            "\(option) needs at least one value"
        case let .weightsLengthMismatch(weights, servers):
            "--weights lists \(weights) weights but the run has \(servers) servers; give one weight per server"
        case let .invalidWeights(error):
            "--weights: \(error)"
        case let .concurrencyBelowThreads(concurrency, threads):
            "--concurrency \(concurrency) is below the thread count \(threads): every worker must hold a connection"
        case .conflictingLengths:
            "give --picks or --seconds, not both"
        case let .quickWithLength(option):
            "give --quick or \(option), not both: --quick sets the length itself (\(RunLength.quick))"
        case let .emptyItem(option, list):
            "\(option) '\(list)' has an empty item; separate values with single commas"
        case let .outOfRange(option, value, range, reason):
            "\(option) \(value) is out of range: must be in \(range) (\(reason))"
        case let .notAnInteger(option, value, range, reason):
            "\(option) '\(value)' is not an integer: must be one in \(range) (\(reason))"
        case let .tooMuchWork(selector, visits, fills, picks, seconds, nanoseconds):
            "\(selector) "
                + (visits.kind == .servers
                    ? "scans all \(visits.entries) servers" : "compares all \(visits.entries) weight classes (distinct weights)")
                + " on every pick: \(fills) connections to fill"
                + (picks > 0 ? " and \(picks) picks" : "") + " would take about \(NumberFormat.duration(seconds)) "
                + "(\(NumberFormat.significant(nanoseconds, digits: 2)) ns a \(visits.kind == .servers ? "server" : "weight class") visited), "
                + "and a cell may scan for at most \(NumberFormat.duration(RunConfiguration.Limits.maximumScanSeconds)); give fewer "
                + (visits.kind == .servers ? "--servers" : "distinct --weights") + ", --concurrency or --picks"
        case let .tooManyCells(cells, seconds, concurrency, length):
            "\(NumberFormat.grouped(cells)) cells would take about \(NumberFormat.duration(seconds)) even at --concurrency "
                + "\(concurrency) and \(length), and a run lasts at most \(NumberFormat.duration(RunConfiguration.Limits.maximumRunSeconds)); "
                + "give fewer --servers, --threads, --selectors, --locks or --workloads"
        case let .overMemoryBudget(excess):
            excess.description
        case let .locksWithoutLockBasedSelector(selectors):
            "--locks applies to lock-based selectors only (\(SelectorKind.allCases.filter(\.usesLock).map(\.rawValue).joined(separator: ", "))), not to \(selectors.joined(separator: ", "))"
        }
    }
}
