import LBHarness
import LBReporting

extension CheckReport {
    /// The report in `format`, ending with a newline: Markdown (the machine context, then one
    /// table row per claim: claim, measured, the spread of the rounds behind it, PASS/FAIL) or
    /// `lbbench.check/1` JSON, with the harness cells behind the verdicts. There is no CSV form
    /// (`lbbench check --format` takes only the other two).
    ///
    /// - Throws: `EncodingError` from JSON encoding (only for non-finite numbers).
    package func rendered(_ format: OutputFormat) throws -> String {
        switch format {
        case .markdown: Self.markdown(self)
        case .json: try JSONReport.render(self)
        case .csv: preconditionFailure("lbbench check has no CSV form; the command refuses --format csv")
        }
    }

    private static func markdown(_ report: CheckReport) -> String {
        let machine = report.machine
        var lines = [
            "# lbbench check",
            "",
            "- Machine: \(machine.cpu), \(machine.cores) cores, \(machine.os), Swift \(machine.swift), "
                + "\(machine.isDebugBuild ? "DEBUG BUILD: COSTS ARE NOT REPRESENTATIVE" : "\(machine.build) build"), \(machine.date)",
            "- Every ratio compares figures measured in this one process, so a slow machine slows both sides.",
            "- A clock read costs \(NumberFormat.fixed(machine.timerOverheadNs, decimals: 0)) ns here; claim 4's pick "
                + "latencies each include one (the harness times every pick).",
            "- Timing claims (2, 4) compare each side's fastest round, which noise cannot inflate; a failing one "
                + "is re-measured before FAIL stands. *spread*: the figure's lowest–highest over the rounds behind it.",
            "",
        ]
        var table = MarkdownTable(["#", "claim", "measured", "spread", "verdict"])
        for claim in report.claims {
            let spread = claim.spread.map { "\($0.figure): \($0.text)" } ?? "—"
            table.append([claim.id, claim.claim, claim.measured, spread, claim.passed ? "PASS" : "**FAIL**"])
        }
        lines += table.lines
        let failed = report.claims.filter { !$0.passed }.count
        let seconds = NumberFormat.fixed(report.seconds, decimals: 0)
        lines.append("")
        lines.append(
            failed == 0
                ? "All \(report.claims.count) claims hold (\(seconds) s)."
                : "\(failed) of \(report.claims.count) claims FAILED (\(seconds) s).")
        return lines.joined(separator: "\n") + "\n"
    }
}
