import LBSimulation
import LoadBalancing
import Testing

/// The short validation that CI runs: every case of `lbbench simulate --validate` on a shorter
/// run, so its confidence intervals are wider but still derived from the run, not chosen.
/// Round robin and power of two choices are checked through test routers here, so their
/// theory and plumbing are exercised even in a build without the library's selectors; the
/// library's own are checked when present.
@Suite("Validation against queueing theory (short runs)")
struct ValidationTests {
    static let jobs = 150_000
    static let seed: UInt64 = 2_026
    static let cases = Validation.cases(jobs: jobs, seed: seed)
    /// Bonferroni over every statistical check of the full list, as `--validate` does when
    /// nothing is skipped.
    static let confidence = Validation.perCheckConfidence(family: 0.95, checks: cases.reduce(0) { $0 + $1.expectations.count })

    static func validationCase(router: String) -> ValidationCase {
        cases.first { $0.router == router }!
    }

    static func expectPass(_ checks: [ValidationCheck]) {
        for check in checks {
            #expect(check.passed, "\(check.name): theory \(check.theory), measured \(check.measured) ± \(check.tolerance)")
        }
    }

    @Test("every case whose router is in the library or is random", arguments: cases.filter { RouterKind(name: $0.router) != nil }.map(\.name))
    func libraryCases(name: String) throws {
        let validationCase = Self.cases.first { $0.name == name }!
        let result = try Simulation.run(validationCase.configuration, router: RouterKind(name: validationCase.router)!)
        Self.expectPass(validationCase.checks(of: result, confidence: Self.confidence))
    }

    @Test("round robin to 4 FCFS exponential servers is E₄/M/1 (test rotation router)")
    func roundRobinTheory() throws {
        let validationCase = Self.validationCase(router: "round-robin")
        let servers = validationCase.configuration.weights.count
        let result = try Simulation.run(validationCase.configuration, routerName: "rotation") { _ in RotationRouter(serverCount: servers) }
        Self.expectPass(validationCase.checks(of: result, confidence: Self.confidence))
    }

    @Test("power of two distinct choices meets the supermarket limit (test router)")
    func twoChoicesTheory() throws {
        let validationCase = Self.validationCase(router: "p2c")
        let servers = validationCase.configuration.weights.count
        let result = try Simulation.run(validationCase.configuration, routerName: "two choices") { seed in
            TwoDistinctChoicesRouter(serverCount: servers, seed: seed)
        }
        Self.expectPass(validationCase.checks(of: result, confidence: Self.confidence))
    }

    @Test("the library's round robin is E₄/M/1", .enabled(if: RouterKind(name: "round-robin") != nil, "round-robin is not in this build"))
    func libraryRoundRobin() throws {
        let validationCase = Self.validationCase(router: "round-robin")
        let result = try Simulation.run(validationCase.configuration, router: RouterKind(name: "round-robin")!)
        Self.expectPass(validationCase.checks(of: result, confidence: Self.confidence))
    }

    @Test("the library's p2c meets the supermarket limit", .enabled(if: RouterKind(name: "p2c") != nil, "p2c is not in this build"))
    func libraryTwoChoices() throws {
        let validationCase = Self.validationCase(router: "p2c")
        let result = try Simulation.run(validationCase.configuration, router: RouterKind(name: "p2c")!)
        Self.expectPass(validationCase.checks(of: result, confidence: Self.confidence))
    }

    @Test("the tolerance is tight enough to reject a wrong model")
    func rejectsWrongTheory() throws {
        // M/M/1 at ρ = 0.8 measured against the prediction for ρ = 0.75 (4 instead of 5), and
        // against ρ = 0.85 (6.67): both must fail.
        var validationCase = Self.cases[0]
        let result = try Simulation.run(validationCase.configuration, router: .selector(.linearScan))
        for wrong in [0.75, 0.85] {
            validationCase.expectations = [.init(.meanResponse, theory: QueueingTheory.mm1MeanResponse(utilization: wrong), formula: "wrong ρ")]
            #expect(!validationCase.checks(of: result, confidence: Self.confidence)[0].passed, "ρ = \(wrong) should be rejected")
        }
        // Round robin is not random routing: the rotation router's E₄/M/1 run must fail the
        // random-routing prediction (5 against 3.27).
        let roundRobin = Self.validationCase(router: "round-robin")
        let rotation = try Simulation.run(roundRobin.configuration, routerName: "rotation") { _ in RotationRouter(serverCount: 4) }
        let randomTheory = QueueingTheory.randomRoutingMeanResponse(utilization: Validation.utilization, weights: [1, 1, 1, 1])
        #expect(abs(rotation.meanResponse - randomTheory) > rotation.responseBatches.halfWidth(confidence: Self.confidence))
    }

    @Test("the full report: skips say why, and the verdict counts only checks that ran")
    func report() throws {
        let report = try Validation.run(jobs: 3_000, seed: 1)
        #expect(report.skipped.count == ["round-robin", "p2c"].filter { RouterKind(name: $0) == nil }.count)
        #expect(report.skipped.allSatisfy { $0.reason.contains("not in this build") })
        #expect(report.markdown().contains("| check | formula | theory | measured | tolerance | result |"))
        #expect(!report.markdown().contains("E[T | S"), "pipes inside cells are escaped")
        #expect(report.json().rendered().contains("\"schema\": \"lbbench.simulation-validation/1\""))
    }
}
