import ArgumentParser
import Foundation
import LBCheck
import LBReporting

/// `lbbench check`: the in-run comparison gate. Runs a small fixed matrix and checks the
/// project's claims as ratios measured in this one process.
struct Check: ParsableCommand {
    /// The exit status when a claim fails.
    static let claimFailedExitCode: Int32 = 1

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
            for bad input.
            """
    )

    @OptionGroup var seed: SeedOption

    @OptionGroup var report: ReportOptions<MarkdownOrJSON>

    /// Measures a regression on purpose, to show the timing claims catch it
    /// (`scripts/check-false-failures.sh --inject`); hidden from `--help`.
    @Option(name: .customLong("inject-regression"), help: .private)
    var injectedRegressions: [InjectedRegression] = []

    func run() throws {
        let progress = ProgressLine.ifTerminal()
        var claims = ProjectClaims(seed: seed.seed)
        claims.injectedRegressions = Set(injectedRegressions)
        let report = try claims.run { progress?.show($0) }
        progress?.finish()
        try self.report.write(try report.rendered(self.report.format.outputFormat))
        if !report.passed {
            let failed = report.claims.filter { !$0.passed }.map { "lbbench check: FAIL \($0.id): \($0.claim): \($0.measured)\n" }
            FileHandle.standardError.write(Data(failed.joined().utf8))
            throw ExitCode(Self.claimFailedExitCode)
        }
    }
}

extension InjectedRegression: ExpressibleByArgument {}
