import ArgumentParser
import Foundation
import LBCheck
import LBHarness
import Testing

@testable import lbbench

/// `lbbench check`'s wiring, in-process: its hidden regression options and its exit statuses,
/// on made-up reports (no claim is measured).
@Suite("lbbench check: options and exit statuses")
struct CheckCommandTests {
    static func check(_ arguments: [String]) throws -> Check {
        let outcome = HostileInputTests.parse(["check"] + arguments)
        return try #require(outcome.command as? Check, "\(outcome.line ?? "")")
    }

    @Test("--inject-regression takes a comma-separated list and applies every regression in it")
    func injectedRegressionList() throws {
        #expect(try Self.check(["--inject-regression", "p2c-scan,buckets-scan"]).injectedRegressions() == [.p2cScan, .bucketsScan])
        #expect(try Self.check(["--inject-regression", "all"]).injectedRegressions() == Set(InjectedRegression.allCases))
        #expect(try Self.check([]).injectedRegressions().isEmpty)
        // The claims the command runs carry them, and the seed.
        let claims = try Self.check(["--inject-regression", "min-heap-scan", "--seed", "5"]).projectClaims()
        #expect(claims.injectedRegressions == [.minHeapScan] && claims.seed == 5)
        #expect(try Self.check([]).projectClaims().injectedRegressions.isEmpty)
        // Given twice it is refused, and the advice (a comma-separated list) is one it takes.
        let repeated = HostileInputTests.parse(["check", "--inject-regression", "p2c-scan", "--inject-regression", "buckets-scan"])
        #expect(repeated.status == 64 && repeated.line?.contains("comma-separated") == true, "\(repeated.line ?? "")")
        let unknown = HostileInputTests.parse(["check", "--inject-regression", "p2c-scan,bogus"])
        let line = try #require(unknown.line)
        #expect(unknown.status == 64 && line.contains("--inject-regression") && line.contains("bogus")
                && line.contains("round-robin-slow"), "\(line)")
    }

    /// A report of one claim, with `spread` as its spread.
    static func report(passed: Bool, spread: [Double] = [1]) -> CheckReport {
        let claim = ClaimVerdict(id: "9", claim: "made up", measured: "x", passed: passed, spread: ClaimSpread("r", of: spread))
        return CheckReport(machine: MachineContext.current(), seconds: 1, claims: [claim], runs: [])
    }

    @Test("exit 1 only for a failed claim, after writing the report; an internal error exits 70 and writes none")
    func exitStatuses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-check-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("check.json").path
        let check = try Self.check(["--format", "json", "--output", output])

        try check.write { Self.report(passed: true) }
        #expect(FileManager.default.fileExists(atPath: output))
        try FileManager.default.removeItem(atPath: output)

        #expect(throws: ExitCode(Check.claimFailedExitCode)) { try check.write { Self.report(passed: false) } }
        #expect(FileManager.default.fileExists(atPath: output))
        try FileManager.default.removeItem(atPath: output)

        // JSON cannot encode a non-finite spread: a bug in the check, not a failed claim.
        #expect(throws: ExitCode(Check.internalErrorExitCode)) { try check.write { Self.report(passed: false, spread: [.nan]) } }
        struct Refused: Error {}
        #expect(throws: ExitCode(Check.internalErrorExitCode)) { try check.write { throw Refused() } }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(Check.internalErrorExitCode != Check.claimFailedExitCode)
    }

    @Test("--list-regressions names every regression with the claims it must fail, one line each")
    func listedRegressions() throws {
        let lines = Check.regressionList.split(separator: "\n")
        #expect(lines.count == InjectedRegression.allCases.count)
        #expect(lines.contains("p2c-scan 2b") && lines.contains("buckets-scan 2a 2c"), "\(lines)")
    }
}
