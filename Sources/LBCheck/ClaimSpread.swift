import LBReporting

/// How much the figure behind one claim moved across the rounds it was measured in, so that a
/// reader sees how far from its bound the claim held or failed, and how noisy the measurement
/// was: `{"figure": "ratio 100,000 ÷ 64 servers, per paired round", "low": 0.97, "high": 2.61,
/// "rounds": 22}`.
///
/// A deterministic figure (a replay, a count) has `rounds` 1 and `low == high`.
public struct ClaimSpread: Codable, Sendable, Equatable {
    /// What `low` and `high` are, in words.
    public var figure: String
    /// The smallest value over the rounds.
    public var low: Double
    /// The largest value over the rounds.
    public var high: Double
    /// How many rounds (paired rounds for a ratio, harness cells for a workload figure).
    public var rounds: Int

    /// The spread of `values`.
    ///
    /// - Precondition: `values` is not empty.
    public init(_ figure: String, of values: [Double]) {
        precondition(!values.isEmpty, "a spread needs at least one round")
        self.figure = figure
        low = values.min()!
        high = values.max()!
        rounds = values.count
    }

    /// For a table cell: "0.97–2.61 (22 rounds)", or one number where both ends print alike; whole
    /// numbers (both ends whole) without decimals, others with three below 1, two from 1, one
    /// from 10 and none from 100 up.
    public var text: String {
        let whole = low == low.rounded() && high == high.rounded()
        let (lowest, highest) = (Self.number(low, whole), Self.number(high, whole))
        let range = lowest == highest ? lowest : "\(lowest)–\(highest)"
        return "\(range) (\(rounds == 1 ? "1 round" : "\(rounds) rounds"))"
    }

    private static func number(_ value: Double, _ whole: Bool) -> String {
        let size = abs(value)
        return NumberFormat.fixed(value, decimals: whole || size >= 100 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 3)
    }
}
