import LBReporting

/// `lbbench compare` for people: what was compared on which machines, how to read the ratios,
/// a summary line, one table of the cells found on both sides, then the cells found on one.
public enum ComparisonMarkdown {
    /// The report, ending with a newline.
    ///
    /// - Complexity: O(cells).
    public static func render(_ comparison: ResultsComparison) -> String {
        var lines = header(comparison)
        let matched = comparison.cells.filter { $0.side == .both }
        if !matched.isEmpty {
            lines += ["", "## Cells on both sides", ""]
            let headings = ["cell", "base picks/s", "new picks/s"] + ComparedMetric.allCases.map(\.label) + ["moved"]
            let numeric = Array(repeating: MarkdownTable.Alignment.right, count: headings.count - 2)
            var table = MarkdownTable(headings, alignments: [.left] + numeric + [.left])
            for cell in matched { table.append(row(cell, changeDecimals: fractionDigits(comparison.noisePercent))) }
            lines += table.lines
        }
        for (side, title) in [(CellComparison.Side.baseOnly, "Only in base"), (.newOnly, "Only in new")] {
            let cells = comparison.cells.filter { $0.side == side }
            if cells.isEmpty { continue }
            lines += ["", "## \(title)", ""]
            lines += cells.map { "- \($0.cell.name)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ comparison: ResultsComparison) -> [String] {
        let summary = comparison.summary
        let noise = percent(comparison.noisePercent)
        var lines = ["# lbbench compare: new ÷ base", ""]
        for (name, side) in [("Base", comparison.base), ("New", comparison.new)] {
            let machines = side.machines.map(\.oneLine).joined(separator: "; ")
            // File names are the command line's, any text: escaped as table cells are, so a line
            // break in one cannot start a line of its own (a heading, a bullet).
            let files = MarkdownTable.escape(side.files.joined(separator: ", "))
            lines.append("- \(name): \(files) — \(machines); length \(side.lengths.joined(separator: "; "))")
        }
        if comparison.machinesDiffer {
            lines.append("- **The sides ran on different machines or builds: each ratio mixes the change with the machine.**")
        }
        if (comparison.base.machines + comparison.new.machines).contains(where: \.isDebugBuild) {
            lines.append("- **A side is a DEBUG BUILD: its numbers do not represent release performance.**")
        }
        lines += [
            "- Ratios are new ÷ base: above 1 means more picks/s (better), longer picks (worse), a higher jainLoad "
                + "(fairer), more contention (worse; lock wait ns per pick, or CAS retries per pick).",
            "- Noise band ±\(noise)%: a metric whose ratio leaves \(bounds(comparison.noisePercent)) is listed under "
                + "moved. Contention that appears from zero has no ratio and is not listed.",
        ]
        if let threshold = comparison.failOnRegressionPercent {
            lines.append("- Regression (exit 1): picks/s below \(bounds(threshold, side: -1)) or pick p99 above "
                + "\(bounds(threshold, side: 1)) (--fail-on-regression \(percent(threshold))).")
        }
        var counts = "- \(summary.matched) cells on both sides, \(summary.moved) moved beyond the band"
        if comparison.failOnRegressionPercent != nil { counts += ", **\(summary.regressions) regressed**" }
        counts += "; \(summary.baseOnly) only in base, \(summary.newOnly) only in new."
        lines.append(counts)
        return lines
    }

    /// One cell's row; a moved metric's change in percent with `changeDecimals` decimals (those
    /// of the noise band, so that a change just beyond the band does not print as inside it).
    static func row(_ cell: CellComparison, changeDecimals: Int = 0) -> [String] {
        let ratios = ComparedMetric.allCases.map { metric in
            cell.ratios?[metric].map { "\(NumberFormat.fixed($0, decimals: metric == .jainLoad ? 3 : 2))×" } ?? "—"
        }
        var moved = cell.moved.compactMap { metric in
            cell.ratios?[metric].map { ratio in
                let change = (ratio - 1) * 100
                let sign = change >= 0 ? "+" : "−"
                let better = (ratio > 1) == metric.higherIsBetter ? "better" : "worse"
                return "\(metric.label) \(sign)\(NumberFormat.fixed(abs(change), decimals: changeDecimals))% (\(better))"
            }
        }.joined(separator: ", ")
        if cell.regression { moved = "**REGRESSION** " + moved }
        let rate = { (values: MetricValues?) in values?[.picksPerSecond].map(NumberFormat.rate) ?? "—" }
        return [cell.cell.name, rate(cell.base), rate(cell.new)] + ratios + [moved]
    }

    /// `10`, `2.5`: a percentage without trailing zeros.
    static func percent(_ value: Double) -> String {
        value == value.rounded() ? NumberFormat.fixed(value, decimals: 0) : "\(value)"
    }

    /// Decimal places `percent` needs, 0 to 4: 0 for `10`, 1 for `2.5` and `0.3`, 2 for `0.25`.
    static func fractionDigits(_ percent: Double) -> Int {
        var digits = 0
        var scaled = percent
        while digits < 4 && abs(scaled - scaled.rounded()) > 1e-9 * max(1, abs(scaled)) {
            scaled *= 10
            digits += 1
        }
        return digits
    }

    /// The band's ends as ratios, exactly: `0.90–1.10`, `0.975–1.025`; or one end (`side` −1
    /// or 1): `0.90×`.
    static func bounds(_ percent: Double, side: Int = 0) -> String {
        let decimals = 2 + fractionDigits(percent)
        let low = "\(NumberFormat.fixed(1 - percent / 100, decimals: decimals))×"
        let high = "\(NumberFormat.fixed(1 + percent / 100, decimals: decimals))×"
        switch side {
        case ..<0: return low
        case 1...: return high
        default: return "\(low)–\(high)"
        }
    }
}
