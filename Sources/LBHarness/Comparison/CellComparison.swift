/// One cell of `lbbench compare`: its figures on each side, their ratios and what moved.
public struct CellComparison: Codable, Sendable, Equatable {
    /// Where the cell was found.
    public enum Side: String, Codable, Sendable {
        case both
        case baseOnly = "base-only"
        case newOnly = "new-only"
    }

    public var cell: CellKey
    public var side: Side
    /// The base side's figures; `null` for a cell only in new.
    public var base: MetricValues?
    /// The new side's figures; `null` for a cell only in base.
    public var new: MetricValues?
    /// new ÷ base per metric; `null` for a cell on one side only, and per metric where either
    /// figure is missing or base is 0 and new is not (0 ÷ 0 counts as 1: unchanged).
    public var ratios: MetricValues?
    /// The metrics whose ratio left the noise band (1 ± noise), in `ComparedMetric` order.
    public var moved: [ComparedMetric]
    /// Whether picks/s fell, or pick p99 rose, by more than the regression threshold.
    public var regression: Bool

    /// Compares a cell found on both sides.
    ///
    /// - Parameters:
    ///   - noise: the noise band as a fraction (0.1 for ±10%).
    ///   - regressionThreshold: the regression threshold as a fraction, or `nil` for none.
    init(cell: CellKey, base: RunResult, new: RunResult, noise: Double, regressionThreshold: Double?) {
        self.cell = cell
        side = .both
        let baseFigures = MetricValues(base)
        let newFigures = MetricValues(new)
        var ratios = MetricValues()
        for metric in ComparedMetric.allCases {
            if let before = baseFigures[metric], let after = newFigures[metric] {
                ratios[metric] = Self.ratio(after, over: before)
            }
        }
        self.base = baseFigures
        self.new = newFigures
        self.ratios = ratios
        // The band's two edges as the regression test below writes them, so a change of exactly
        // the band is inside it both ways (|1.1 − 1| exceeds 0.1 in binary; |0.9 − 1| does not).
        moved = ComparedMetric.allCases.filter { metric in ratios[metric].map { $0 < 1 - noise || $0 > 1 + noise } ?? false }
        regression = regressionThreshold.map { threshold in
            (ratios[.picksPerSecond].map { $0 < 1 - threshold } ?? false)
                || (ratios[.pickP99Ns].map { $0 > 1 + threshold } ?? false)
        } ?? false
    }

    /// A cell found on one side only.
    init(cell: CellKey, onlyIn side: Side, run: RunResult) {
        self.cell = cell
        self.side = side
        base = side == .baseOnly ? MetricValues(run) : nil
        new = side == .newOnly ? MetricValues(run) : nil
        ratios = nil
        moved = []
        regression = false
    }

    /// `after ÷ before`; 1 when both are 0, `nil` when only `before` is or when the quotient
    /// is not finite (figures read from a file may be as small as 1e-300, and 1e12 ÷ 1e-300
    /// overflows: JSON cannot hold infinity, and no noise band means anything there).
    static func ratio(_ after: Double, over before: Double) -> Double? {
        if before == 0 { return after == 0 ? 1 : nil }
        let quotient = after / before
        return quotient.isFinite ? quotient : nil
    }

    /// Writes `base`, `new` and `ratios` as `null` when absent, so every cell carries every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cell, forKey: .cell)
        try container.encode(side, forKey: .side)
        try container.encode(base, forKey: .base)
        try container.encode(new, forKey: .new)
        try container.encode(ratios, forKey: .ratios)
        try container.encode(moved, forKey: .moved)
        try container.encode(regression, forKey: .regression)
    }
}
