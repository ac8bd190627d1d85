import ArgumentParser
import Foundation
import LBCheck
import LBHarness
import LBReporting

/// `lbbench check`: the in-run comparison gate. Runs a small fixed matrix and checks the
/// project's claims as ratios measured in this one process.
struct Check: ParsableCommand {
    /// The exit status when a claim fails.
    static let claimFailedExitCode: Int32 = 1
    /// The exit status when the check itself failed, so no claim was judged (`EX_SOFTWARE` of
    /// sysexits.h: an internal software error), told apart from a failed claim.
    static let internalErrorExitCode: Int32 = 70

    static let configuration = CommandConfiguration(
        abstract: "Check the project's claims on a small fixed matrix; exit non-zero if any fails.",
        discussion: """
            1. every exact selector replays the reference model's choices (ties, weights); \
            2. buckets and p2c flat from 64 to 100,000 servers (≤ 2×), buckets ≥ 10× and min-heap ≥ 3× \
            cheaper than linear-scan at 1,024 servers; 3. under mixed, least connections' jainLoad clearly \
            above round robin's, p2c between; 4. under uniform, round robin's pick at most 1.1× the \
            cheapest, its fairness no worse; 5. weights 1,2,3,4: shares of picks within 2% of weight shares; 6. no leaked \
            connection; 7. the same shares at light load (1 connection in flight on 4 servers, 2 on 4 \
            and on 8, 3 on 8); 8. under mixed, \
            partitioned fairer than p2c. Takes about 6 s on an idle 2-core machine.

            Exit status: 0 when every claim holds; 1 when one fails (the report is still written); 64 \
            for bad input; 70 for an internal error (no claim judged, no report written).
            """
    )

    @OptionGroup var seed: SeedOption

    @OptionGroup var report: ReportOptions<MarkdownOrJSON>

    /// Regressions to measure on purpose, comma-separated (`ListParsing`: `all` is every one),
    /// to show the timing claims catch them (`scripts/check-false-failures.sh --inject`); hidden
    /// from `--help`.
    @Option(name: .customLong("inject-regression"), help: .private)
    var injectedRegressionList: String?

    /// Prints each injectable regression and the claims it must fail, one line each
    /// (`p2c-scan 2b`), and exits: the table `scripts/check-false-failures.sh` checks against.
    /// Hidden from `--help`.
    @Flag(name: .customLong("list-regressions"), help: .private)
    var listRegressions = false

    /// What `--list-regressions` prints: "p2c-scan 2b\n", a line per regression.
    static var regressionList: String {
        InjectedRegression.allCases.map { "\($0.rawValue) \($0.claimIDs.joined(separator: " "))\n" }.joined()
    }

    func validate() throws {
        _ = try injectedRegressions()
    }

    /// The claims this command line asks for: `--seed`'s, with `--inject-regression`'s
    /// regressions measured in.
    ///
    /// - Throws: `ValidationError` (exit 64) for an unknown regression.
    func projectClaims() throws -> ProjectClaims {
        var claims = ProjectClaims(seed: seed.seed)
        claims.injectedRegressions = try injectedRegressions()
        return claims
    }

    /// `--inject-regression`'s regressions, none without it.
    ///
    /// - Throws: `ValidationError` (exit 64) naming the option, the value and every valid name.
    func injectedRegressions() throws -> Set<InjectedRegression> {
        guard let injectedRegressionList else { return [] }
        do {
            return Set(try ListParsing.names(injectedRegressionList, option: "--inject-regression", as: InjectedRegression.self))
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        if listRegressions {
            print(Self.regressionList, terminator: "")
            return
        }
        let progress = ProgressLine.ifTerminal()
        let claims = try projectClaims()
        try write {
            defer { progress?.finish() }
            return try claims.run { progress?.show($0) }
        }
    }

    /// Writes the report `measure` makes and exits 1 (`claimFailedExitCode`) after one line per
    /// failed claim if one failed. An error from measuring or rendering (a selector refusing the
    /// fixed configuration, a figure JSON cannot encode: a bug) is no failed claim: it exits 70
    /// (`internalErrorExitCode`) after one line, and no report is written.
    ///
    /// - Throws: `ExitCode`.
    func write(_ measure: () throws -> CheckReport) throws {
        let outcome: CheckReport, text: String
        do {
            outcome = try measure()
            text = try outcome.rendered(report.format.outputFormat)
        } catch {
            FileHandle.standardError.write(Data("lbbench check: internal error, no claim judged: \(error)\n".utf8))
            throw ExitCode(Self.internalErrorExitCode)
        }
        try report.write(text)
        if !outcome.passed {
            let failed = outcome.claims.filter { !$0.passed }.map { "lbbench check: FAIL \($0.id): \($0.claim): \($0.measured)\n" }
            FileHandle.standardError.write(Data(failed.joined().utf8))
            throw ExitCode(Self.claimFailedExitCode)
        }
    }
}
