/// The outcome of `Validation.run`: every check with theory, measurement, tolerance and
/// verdict, and the cases this build could not run.
///
/// - Note: A value; thread-safe.
public struct ValidationReport: Sendable {
    /// A case that was not run, and why.
    public struct Skip: Sendable {
        /// The case.
        public var name: String
        /// Why it did not run.
        public var reason: String
    }

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
    /// Every check that ran, in order.
    public var checks: [ValidationCheck]
    /// The cases this build cannot run.
    public var skipped: [Skip]
    /// Requests simulated in all cases, warm-up and unmeasured tail included.
    public var simulatedRequests: Int

    /// Whether every check that ran passed.
    ///
    /// - Complexity: O(checks).
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// A Markdown table, one check per row, then the skipped cases and the verdict.
    ///
    /// - Complexity: O(checks).
    public func markdown() -> String {
        let statistical = checks.filter(\.isStatistical).count
        var lines = [
            "# Simulator validation",
            "",
            "\(jobs) requests measured per case (after a \(warmupJobs)-request warm-up), seed \(seed). Tolerance: half-width of a "
                + "\(NumberFormat.significant(confidence * 100, digits: 4))% confidence interval from 30 batch means "
                + "(Bonferroni over \(statistical) checks: a correct simulator passes all of them with probability "
                + "≥ \(NumberFormat.significant(familyConfidence * 100, digits: 3))%); Little's law: the exact bound of the "
                + "requests straddling the measurement window.",
            "",
            "| check | formula | theory | measured | tolerance | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for check in checks {
            let tolerance = "±" + NumberFormat.significant(check.tolerance, digits: 3)
            lines.append("| \(Self.cell(check.name)) | \(Self.cell(check.formula)) | \(Self.number(check.theory)) "
                + "| \(Self.number(check.measured)) | \(tolerance) | \(check.passed ? "PASS" : "FAIL") |")
        }
        for skip in skipped {
            lines.append("| \(Self.cell(skip.name)) | | | | | SKIP: \(Self.cell(skip.reason)) |")
        }
        let failed = checks.filter { !$0.passed }.count
        lines += ["", failed == 0
            ? "All \(checks.count) checks passed\(skipped.isEmpty ? "" : "; \(skipped.count) skipped")."
            : "\(failed) of \(checks.count) checks FAILED."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"schema": "lbbench.simulation-validation/1", "checks": [...], "skipped": [...], "passed": …}`.
    ///
    /// - Complexity: O(checks).
    public func json() -> JSONValue {
        .object([
            "schema": .string(Self.schema),
            "jobs": .int(jobs),
            "warmupJobs": .int(warmupJobs),
            "seed": .unsigned(seed),
            "confidence": .number(confidence),
            "familyConfidence": .number(familyConfidence),
            "passed": .bool(passed),
            "checks": .array(checks.map { check in
                .object([
                    "name": .string(check.name),
                    "formula": .string(check.formula),
                    "theory": .number(check.theory),
                    "measured": .number(check.measured),
                    "tolerance": .number(check.tolerance),
                    "statistical": .bool(check.isStatistical),
                    "passed": .bool(check.passed),
                ])
            }),
            "skipped": .array(skipped.map { .object(["name": .string($0.name), "reason": .string($0.reason)]) }),
        ])
    }

    private static func number(_ value: Double) -> String { NumberFormat.significant(value, digits: 6) }

    /// `text` with its pipes escaped, so a formula like `E[T | S = x]` stays in its table cell.
    private static func cell(_ text: String) -> String {
        String(text.flatMap { $0 == "|" ? ["\\", "|"] : [$0] })
    }
}
