import LBReporting

/// The outcome of `Validation.run`: every check with theory, measurement, tolerance and
/// verdict.
///
/// - Note: A value; thread-safe.
public struct ValidationReport: Sendable {
    /// The schema name of the JSON form.
    public static let schema = "lbbench.simulation-validation/1"

    /// Requests measured per case.
    public var jobs: Int
    /// Requests simulated per case before measuring.
    public var warmupJobs: Int
    /// The seed of every case.
    public var seed: UInt64
    /// The confidence of each statistical check's interval.
    public var confidence: Double
    /// The probability with which a correct simulator passes every statistical check.
    public var familyConfidence: Double
    /// Every check, in order.
    public var checks: [ValidationCheck]
    /// Requests simulated in all cases, warm-up and unmeasured tail included.
    public var simulatedRequests: Int

    /// Whether every check passed.
    ///
    /// - Complexity: O(checks).
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// A Markdown table, one check per row, then the verdict.
    ///
    /// - Complexity: O(checks).
    public func markdown() -> String {
        let statistical = checks.filter(\.isStatistical).count
        var lines = [
            "# Simulator validation",
            "",
            "\(jobs) requests measured per case (after a \(warmupJobs)-request warm-up), seed \(seed). Tolerance: half-width of a "
                + "\(NumberFormat.significant(confidence * 100, digits: 4))% confidence interval from 30 batch means, or where "
                + "batch means are not valid (heavy-tailed sizes: long-range dependent) from \(Validation.replications) "
                + "independent replications of a \(Validation.replications)th of the requests each, seeds derived from this one "
                + "(Bonferroni over \(statistical) checks: nominally a correct simulator passes all of them with probability "
                + "≥ \(NumberFormat.significant(familyConfidence * 100, digits: 3))%; measured at the default 10⁶ requests, 93% "
                + "of seeds 1–260, the `mixed` case's skewed batch means making its checks fail about 7 times too often); "
                + "Little's law: an identity, once the "
                + "requests straddling the measurement window are counted (relative rounding of 1e-7).",
            "",
        ]
        var table = MarkdownTable(["check", "formula", "theory", "measured", "tolerance", "result"])
        for check in checks {
            table.append([
                check.name, check.formula, Self.number(check.theory), Self.number(check.measured),
                "±" + NumberFormat.significant(check.tolerance, digits: 3)
                    + (check.interval.map { $0.hasSuffix("replications") ? " (\($0))" : "" } ?? ""),
                check.passed ? "PASS" : "FAIL",
            ])
        }
        lines += table.lines
        let failed = checks.filter { !$0.passed }.count
        lines += ["", failed == 0 ? "All \(checks.count) checks passed." : "\(failed) of \(checks.count) checks FAILED."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report in `format`, ending with a newline: `markdown()`, `json()` or `csv()`.
    ///
    /// - Complexity: O(checks).
    package func rendered(_ format: OutputFormat) -> String {
        switch format {
        case .markdown: markdown()
        case .json: json()
        case .csv: csv()
        }
    }

    /// `lbbench.simulation-validation/1`, ending with a newline.
    ///
    /// - Complexity: O(checks).
    public func json() -> String {
        // Every number is a `ReportNumber`, so encoding cannot fail.
        try! ReportJSON.render(Document(self))
    }

    /// One row per check, for spreadsheets and scripts: `#` comment lines with the schema, the
    /// run's requests, seed and confidences and the verdict, then a header row (`check`,
    /// `formula`, `theory`, `measured`, `tolerance`, `statistical`, `passed`, `interval`). Numbers to the
    /// JSON's digits; names and formulas quoted where they hold a comma (docs/formats.md).
    ///
    /// - Complexity: O(checks).
    public func csv() -> String {
        let failed = checks.filter { !$0.passed }.count
        var lines = [
            CSVField.comment("lbbench simulator validation (\(Self.schema)): \(jobs) requests measured per case after "
                + "a \(warmupJobs)-request warm-up, seed \(seed); confidence \(CSVField.number(confidence)) per check, "
                + "\(CSVField.number(familyConfidence)) for all"),
            CSVField.comment(failed == 0 ? "all \(checks.count) checks passed" : "\(failed) of \(checks.count) checks FAILED"),
            "check,formula,theory,measured,tolerance,statistical,passed,interval",
        ]
        for check in checks {
            lines.append([
                CSVField.text(check.name), CSVField.text(check.formula), CSVField.number(check.theory),
                CSVField.number(check.measured), CSVField.number(check.tolerance), String(check.isStatistical),
                String(check.passed), check.interval.map(CSVField.text) ?? "",
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func number(_ value: Double) -> String { NumberFormat.significant(value, digits: 6) }

    /// The JSON form (docs/formats.md).
    private struct Document: Encodable {
        struct Check: Encodable {
            var name: String
            var formula: String
            var theory: ReportNumber
            var measured: ReportNumber
            var tolerance: ReportNumber
            var statistical: Bool
            var passed: Bool
            /// What a statistical tolerance's interval comes from; `null` for an exact bound.
            var interval: ReportNullable<String>
        }

        /// A case that did not run; always empty now that every router is in the library, kept
        /// so that readers of `/1` find the field.
        struct Skip: Encodable {}

        var schema = ValidationReport.schema
        var jobs: Int
        var warmupJobs: Int
        var seed: UInt64
        var confidence: ReportNumber
        var familyConfidence: ReportNumber
        var passed: Bool
        var checks: [Check]
        var skipped: [Skip] = []

        init(_ report: ValidationReport) {
            jobs = report.jobs
            warmupJobs = report.warmupJobs
            seed = report.seed
            confidence = ReportNumber(report.confidence)
            familyConfidence = ReportNumber(report.familyConfidence)
            passed = report.passed
            checks = report.checks.map { check in
                Check(
                    name: check.name, formula: check.formula, theory: ReportNumber(check.theory),
                    measured: ReportNumber(check.measured), tolerance: ReportNumber(check.tolerance),
                    statistical: check.isStatistical, passed: check.passed, interval: ReportNullable(check.interval)
                )
            }
        }
    }
}
