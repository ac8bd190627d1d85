import Foundation
import LBSimulation
import LoadBalancing
import Testing

/// The short validation that CI runs: every case of `lbbench simulate --validate` on a shorter
/// run, so its confidence intervals are wider but still derived from the run, not chosen.
@Suite("Validation against queueing theory (short runs)")
struct ValidationTests {
    static let jobs = 150_000
    static let seed: UInt64 = 2_026
    static let cases = Validation.cases(jobs: jobs, seed: seed)
    /// Bonferroni over every statistical check, as `--validate` does.
    static let confidence = Validation.perCheckConfidence(family: 0.95, checks: cases.reduce(0) { $0 + $1.expectations.count })

    static func validationCase(router: RouterKind) -> ValidationCase {
        cases.first { $0.router == router }!
    }

    static func expectPass(_ checks: [ValidationCheck]) {
        for check in checks {
            #expect(check.passed, "\(check.name): theory \(check.theory), measured \(check.measured) ± \(check.tolerance)")
        }
    }

    @Test("the cases: ten textbook queues, their routers, 11 statistical checks")
    func caseList() {
        #expect(Self.cases.count == 10)
        #expect(Self.cases.map(\.router) == Array(repeating: RouterKind.selector(.linearScan), count: 6) + [
            .random, .random, .selector(.roundRobin), .selector(.p2c),
        ])
        #expect(Self.cases.reduce(0) { $0 + $1.expectations.count } == 11)
        #expect(abs(Self.confidence - (1 - 0.05 / 11)) < 1e-15)
    }

    @Test("every case", arguments: cases.map(\.name))
    func everyCase(name: String) throws {
        let validationCase = Self.cases.first { $0.name == name }!
        Self.expectPass(validationCase.checks(of: try validationCase.run(), confidence: Self.confidence))
    }

    /// A check is only as good as its interval: batch means of one run must be valid for the
    /// statistic by the simulator's own standard (`SimulationResult.NoInterval.implied(by:for:)`),
    /// otherwise the case must use independent replications. (The `heavy-tail` case's mean
    /// slowdown was checked with batch means, which are long-range dependent there, and failed 9
    /// of 60 seeds.)
    @Test("every check's interval is valid: batch means only where runs have valid ones, else replications")
    func intervalsAreValid() throws {
        for validationCase in Self.cases {
            for expectation in validationCase.expectations {
                if validationCase.replications == 1 {
                    let mean = try #require(expectation.metric.batchMean, "\(validationCase.name): no batch means")
                    #expect(SimulationResult.NoInterval.implied(by: validationCase.configuration, for: mean) == nil,
                            "\(validationCase.name): \(expectation.metric.rawValue)")
                } else {
                    #expect(validationCase.replications >= 10)
                }
            }
        }
        let heavyTail = try #require(Self.cases.first { $0.configuration.sizes == .workload(.heavyTail) })
        #expect(heavyTail.replications == Validation.replications)
        #expect(SimulationResult.NoInterval.implied(by: heavyTail.configuration, for: .slowdown) == .longRangeDependence)
        #expect(heavyTail.expectations.map(\.metric) == [.slowdownShortMinusLong])
    }

    @Test("replications: a tenth of the requests each, independent seeds, everything else the case's farm")
    func replications() throws {
        let heavyTail = try #require(Self.cases.first { $0.replications > 1 })
        let runs = heavyTail.runs
        #expect(runs.count == Validation.replications)
        #expect(Set(runs.map(\.seed)).count == runs.count && !runs.map(\.seed).contains(Self.seed))
        for run in runs {
            #expect(run.jobs == Self.jobs / Validation.replications && run.warmupJobs == run.jobs / 10)
            var same = run
            same.jobs = heavyTail.configuration.jobs
            same.warmupJobs = heavyTail.configuration.warmupJobs
            same.seed = heavyTail.configuration.seed
            #expect(same == heavyTail.configuration)
        }
        // The same case and seed give the same seeds (a deterministic report).
        #expect(Validation.cases(jobs: Self.jobs, seed: Self.seed).first { $0.replications > 1 }!.runs == runs)
    }

    /// The short-less-long check is sharp: at these short runs its tolerance is under a tenth of
    /// the mean slowdown (5), where the mean slowdown itself had ±0.47 at 10⁶ jobs.
    @Test("the short − long slowdown check's tolerance is tight")
    func gapTolerance() throws {
        let heavyTail = try #require(Self.cases.first { $0.replications > 1 })
        let check = heavyTail.checks(of: try heavyTail.run(), confidence: Self.confidence)[0]
        #expect(check.interval == "10 replications")
        #expect(check.tolerance > 0 && check.tolerance < 0.5, "\(check.measured) ± \(check.tolerance)")
    }

    @Test("the tolerance is tight enough to reject a wrong model")
    func rejectsWrongTheory() throws {
        // M/M/1 at ρ = 0.8 measured against the prediction for ρ = 0.75 (4 instead of 5), and
        // against ρ = 0.85 (6.67): both must fail.
        var validationCase = Self.cases[0]
        let result = try Simulation.run(validationCase.configuration, router: .selector(.linearScan))
        for wrong in [0.75, 0.85] {
            validationCase.expectations = [.init(.meanResponse, theory: QueueingTheory.mm1MeanResponse(utilization: wrong), formula: "wrong ρ")]
            #expect(!validationCase.checks(of: [result], confidence: Self.confidence)[0].passed, "ρ = \(wrong) should be rejected")
        }
        // Round robin is not random routing: its E₄/M/1 run must fail the random-routing
        // prediction (5 against 3.27).
        let roundRobin = Self.validationCase(router: .selector(.roundRobin))
        let rotation = try Simulation.run(roundRobin.configuration, router: roundRobin.router)
        let randomTheory = QueueingTheory.randomRoutingMeanResponse(utilization: Validation.utilization, weights: [1, 1, 1, 1])
        #expect(abs(rotation.meanResponse - randomTheory) > rotation.responseBatches.halfWidth(confidence: Self.confidence))
    }

    @Test("the full report: one check per expectation and one Little's law per case, in order; Markdown and JSON agree")
    func report() throws {
        var started: [String] = []
        let report = try Validation.run(jobs: 3_000, seed: 1) { validationCase, index, count in
            #expect(index == started.count && count == 10)
            started.append(validationCase.name)
        }
        #expect(started == Self.cases.map(\.name))
        // 11 statistical checks (one per expectation) and 10 Little's-law checks (one per case).
        #expect(report.checks.count == 21)
        #expect(report.checks.filter(\.isStatistical).count == 11)
        #expect(report.checks.filter { $0.name.hasSuffix(": Little's law") }.count == 10)
        #expect(report.checks[0].name == "M/M/1, FCFS, ρ = 0.8: mean response")
        #expect(report.checks[1].name == "M/M/1, FCFS, ρ = 0.8: Little's law")
        #expect(abs(report.confidence - (1 - 0.05 / 11)) < 1e-15)
        #expect(report.jobs == 3_000 && report.warmupJobs == 300 && report.seed == 1)
        #expect(report.simulatedRequests >= 10 * 3_300)
        #expect(report.passed == report.checks.allSatisfy(\.passed))
        // Where each tolerance comes from: batch means, except the heavy-tail case's replications.
        #expect(report.checks.filter { !$0.isStatistical }.allSatisfy { $0.interval == nil })
        #expect(report.checks.filter(\.isStatistical).map(\.interval)
            == Array(repeating: "30 batch means", count: 6) + ["10 replications"] + Array(repeating: "30 batch means", count: 4))

        let markdown = report.markdown()
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 1 + report.checks.count, "a header and one row per check")
        for (row, check) in zip(rows.dropFirst(), report.checks) {
            #expect(row.hasSuffix(check.passed ? "| PASS |" : "| FAIL |"), "\(row)")
        }
        #expect(markdown.contains("E[T \\| S = x]"), "pipes inside cells are escaped")
        let failed = report.checks.filter { !$0.passed }.count
        #expect(markdown.hasSuffix(failed == 0 ? "All 21 checks passed.\n" : "\(failed) of 21 checks FAILED.\n"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "lbbench.simulation-validation/1")
        #expect(json["passed"] as? Bool == report.passed)
        #expect((json["skipped"] as? [Any])?.isEmpty == true)
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == report.checks.map(\.name))
        for (entry, check) in zip(checks, report.checks) {
            let measured = try #require(entry["measured"] as? Double)
            #expect(abs(measured - check.measured) <= 1e-8 * abs(check.measured), "9 significant digits")
            #expect(entry["statistical"] as? Bool == check.isStatistical)
            #expect(check.interval.map { entry["interval"] as? String == $0 } ?? (entry["interval"] is NSNull), "null where exact")
        }
    }

    /// Guards the checks of a replicated case: the measured value is the mean of the runs' short −
    /// long slowdowns, in that order (a mutant that took long − short survived: the theory is 0 and
    /// the interval symmetric), and Little's law is checked on the run farthest from it (a mutant
    /// that took the nearest run survived: every real run holds it).
    @Test("a replicated case: the mean of the runs' short − long slowdowns, and Little's law from the worst run")
    func replicatedChecks() throws {
        let farm = SimulationConfiguration(
            weights: [1], traffic: .open(utilization: 0.8), discipline: .fcfs, sizes: .exponential, jobs: 6_000, seed: 7)
        let validationCase = ValidationCase(
            name: "FCFS", router: .selector(.linearScan), configuration: farm,
            expectations: [.init(.slowdownShortMinusLong, theory: 0, formula: "none")], replications: 3)
        var results = try validationCase.run()
        let gaps = results.map { $0.shortMeanSlowdown! - $0.longMeanSlowdown! }
        var checks = validationCase.checks(of: results, confidence: Self.confidence)
        // Under FCFS a wait weighs more against a short request's size: short − long is large.
        #expect(checks[0].measured == gaps.reduce(0, +) / 3 && checks[0].measured > 1, "\(gaps)")
        #expect(checks.count == 2 && checks[1].passed)
        results[1].littlesLaw.meanInSystem += 1
        checks = validationCase.checks(of: results, confidence: Self.confidence)
        #expect(!checks[1].passed && checks[1].measured == results[1].littlesLaw.meanInSystem)
    }
}
