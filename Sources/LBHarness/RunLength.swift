import LBReporting

/// How long one cell of a run lasts: a number of picks shared by all its workers, or a
/// wall-clock duration.
public enum RunLength: Sendable, Equatable, CustomStringConvertible {
    /// The workers together make exactly this many measured picks (claimed in batches from a
    /// shared budget, so every worker keeps running until the budget is spent).
    case picks(Int)
    /// Every worker runs for this many seconds of wall-clock time.
    case seconds(Double)

    /// The default matrix's length per cell: enough picks that p99.9 rests on hundreds of
    /// samples, few enough that the whole default matrix ends within 90 s on 2 cores.
    public static let standard = RunLength.picks(400_000)

    /// `--quick`'s length per cell: the matrix in a few seconds, for CI.
    public static let quick = RunLength.picks(20_000)

    /// For report headers: "400,000 picks per cell (all threads together)".
    public var description: String {
        switch self {
        case let .picks(count): "\(NumberFormat.grouped(count)) picks per cell (all threads together)"
        case let .seconds(seconds): "\(NumberFormat.fixed(seconds, decimals: 3)) s per cell"
        }
    }
}
