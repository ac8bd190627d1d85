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
    /// The metrics whose ratio left the noise band (1 ± noise), in `ComparedMetric` order: new
    /// fell below base, or rose above it, by more than the band (`changed(_:from:byMoreThan:)`).
    public var moved: [ComparedMetric]
    /// Whether picks/s fell, or pick p99 rose, by more than the regression threshold.
    public var regression: Bool

    /// Compares a cell found on both sides.
    ///
    /// - Parameters:
    ///   - noisePercent: the noise band in percent (10 for ±10%).
    ///   - regressionPercent: the regression threshold in percent, or `nil` for none.
    init(cell: CellKey, base: RunResult, new: RunResult, noisePercent: Double, regressionPercent: Double?) {
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
        // Only a metric with a ratio can move: none where base is 0 and new is not, or where the
        // quotient overflows.
        func changed(_ metric: ComparedMetric, _ direction: Direction, byMoreThan percent: Double) -> Bool {
            guard ratios[metric] != nil, let before = baseFigures[metric], let after = newFigures[metric] else { return false }
            return Self.changed(after, from: before, direction, byMoreThan: percent)
        }
        moved = ComparedMetric.allCases.filter { metric in
            changed(metric, .down, byMoreThan: noisePercent) || changed(metric, .up, byMoreThan: noisePercent)
        }
        regression = regressionPercent.map { percent in
            changed(.picksPerSecond, .down, byMoreThan: percent) || changed(.pickP99Ns, .up, byMoreThan: percent)
        } ?? false
    }

    /// Which way a figure changed.
    enum Direction {
        case down, up
    }

    /// Whether `after` is below (`.down`) or above (`.up`) `before` by more than `percent` percent.
    ///
    /// Tested as `after × 100` against `before × (100 ∓ percent)`, not as `after ÷ before`
    /// against `1 ∓ percent/100`: `1 − 0.18` is 0.8200000000000001 and `1 + 0.36` is
    /// 1.3599999999999999 in binary, which put a change of exactly the band (100 → 82 with
    /// ±18%) outside it. With whole figures and a whole percentage both products are exact, so
    /// a change of exactly `percent` is inside, both ways. Figures are ≥ 0 (the reader checks).
    ///
    /// - Complexity: O(1).
    static func changed(_ after: Double, from before: Double, _ direction: Direction, byMoreThan percent: Double) -> Bool {
        switch direction {
        case .down: after * 100 < before * (100 - percent)
        case .up: after * 100 > before * (100 + percent)
        }
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
