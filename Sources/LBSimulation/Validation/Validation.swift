import LBReporting

/// `lbbench simulate --validate`: the simulator set against queueing theory.
///
/// Every case is a farm whose router makes it a textbook queue; each predicted mean must lie
/// within a confidence interval from 30 batch means of the run, so the tolerance follows from
/// the run length, and Little's law must hold on every run up to its exact boundary terms.
/// The intervals use a Bonferroni correction: with `m` statistical checks each at confidence
/// `1 − 0.05/m`, a correct simulator passes them all with probability at least 95%.
public enum Validation {
    /// Servers in the power-of-two-choices case: large, since the supermarket model is the
    /// `n → ∞` limit and finite `n` sits slightly above it. Measured with a two-distinct-choices
    /// router at λ = 0.9 and 4 M requests: 2.650 ± 0.017 at n = 100 (1.4% above the limit
    /// 2.614), 2.618 ± 0.014 at n = 1 000, so at this size the excess is well inside the interval.
    public static let supermarketServers = 1_000

    /// The fewest measured requests a validation run takes: its warm-up, a tenth of them, must
    /// put about 10 requests on each of the `supermarketServers` (with fewer, the p2c case
    /// starts measuring a farm still filling and sits below its limit: at 20,000 it failed,
    /// 2.18 against 2.61 ± 0.14, a false "simulator bug").
    public static let minimumJobs = 100 * supermarketServers

    /// The utilisation of most cases: high enough that queueing dominates the response time,
    /// low enough that runs of a million requests give tight intervals.
    public static let utilization = 0.8

    /// The checks, in order.
    ///
    /// - Complexity: O(1) (configurations only).
    public static func cases(jobs: Int, seed: UInt64) -> [ValidationCase] {
        let rho = utilization
        let at = "ρ = " + NumberFormat.significant(rho, digits: 3)
        func farm(
            _ weights: [Int], _ discipline: Discipline, _ sizes: RequestSizes, utilization: Double = rho
        ) -> SimulationConfiguration {
            SimulationConfiguration(
                weights: weights, traffic: .open(utilization: utilization), discipline: discipline,
                sizes: sizes, jobs: jobs, seed: seed
            )
        }
        func response(_ theory: Double, _ formula: String) -> ValidationCase.Expectation {
            .init(.meanResponse, theory: theory, formula: formula)
        }
        let mm1 = QueueingTheory.mm1MeanResponse(utilization: rho)
        let ps = QueueingTheory.mg1ProcessorSharingMeanResponse(utilization: rho)
        let psSlowdown = ValidationCase.Expectation(.meanSlowdown, theory: ps, formula: "1/(1 − ρ): E[T | S = x] = x/(1 − ρ)")
        let equal = [1, 1, 1, 1]
        let weighted = [1, 2, 3, 4]
        let supermarketLoad = 0.9
        let supermarket = QueueingTheory.supermarketMeanResponse(choices: 2, arrivalRate: supermarketLoad)
        let single = RouterKind.selector(.linearScan)
        return [
            ValidationCase(
                name: "M/M/1, FCFS, \(at)", router: single, configuration: farm([1], .fcfs, .exponential),
                expectations: [response(mm1, "1/(μ − λ)")]
            ),
            ValidationCase(
                name: "M/M/1-PS, \(at)", router: single, configuration: farm([1], .ps, .exponential),
                expectations: [response(mm1, "1/(μ − λ)")]
            ),
            ValidationCase(
                name: "M/D/1, FCFS, \(at)", router: single, configuration: farm([1], .fcfs, .deterministic),
                expectations: [response(
                    QueueingTheory.mg1MeanResponse(utilization: rho, sizeSecondMoment: 1),
                    "Pollaczek–Khinchine: E[S] + λE[S²]/(2(1 − ρ))"
                )]
            ),
            ValidationCase(
                name: "M/D/1-PS, \(at) (insensitivity)", router: single, configuration: farm([1], .ps, .deterministic),
                expectations: [response(ps, "E[S]/(1 − ρ), any sizes")]
            ),
            ValidationCase(
                name: "M/G/1-PS, `mixed` sizes, \(at) (insensitivity)", router: single,
                configuration: farm([1], .ps, .workload(.mixed)),
                expectations: [response(ps, "E[S]/(1 − ρ), any sizes"), psSlowdown]
            ),
            ValidationCase(
                name: "M/G/1-PS, `heavy-tail` sizes, \(at) (insensitivity)", router: single,
                configuration: farm([1], .ps, .workload(.heavyTail)),
                // Pareto α = 1.5 has infinite variance, so the mean response has no confidence
                // interval; the slowdown T/S has finite variance and does.
                expectations: [psSlowdown]
            ),
            ValidationCase(
                name: "random routing to 4 FCFS exponential servers, \(at)", router: .random,
                configuration: farm(equal, .fcfs, .exponential),
                expectations: [response(
                    QueueingTheory.randomRoutingMeanResponse(utilization: rho, weights: equal), "each server M/M/1 at λ/n"
                )]
            ),
            ValidationCase(
                name: "random routing to FCFS exponential servers weighted 1,2,3,4, \(at)", router: .random,
                configuration: farm(weighted, .fcfs, .exponential),
                expectations: [response(
                    QueueingTheory.randomRoutingMeanResponse(utilization: rho, weights: weighted),
                    "server i M/M/1 with λᵢ = ρwᵢ, μᵢ = wᵢ: n/(W(1 − ρ))"
                )]
            ),
            ValidationCase(
                name: "round robin to 4 FCFS exponential servers (E₄/M/1), \(at)", router: .selector(.roundRobin),
                configuration: farm(equal, .fcfs, .exponential),
                expectations: [response(
                    QueueingTheory.roundRobinMeanResponse(servers: equal.count, utilization: rho),
                    "1/(μ(1 − σ)), σ = (nρ/(nρ + 1 − σ))ⁿ"
                )]
            ),
            ValidationCase(
                name: "power of two choices, \(supermarketServers) FCFS exponential servers, λ = \(supermarketLoad)",
                router: .selector(.p2c),
                configuration: farm(
                    Array(repeating: 1, count: supermarketServers), .fcfs, .exponential, utilization: supermarketLoad
                ),
                expectations: [response(
                    supermarket, "supermarket limit Σ λ^(2ⁱ − 2) (n → ∞; our p2c draws 2 distinct servers)"
                )]
            ),
        ]
    }

    /// The confidence of each of `checks` statistical checks so that all pass together with
    /// probability at least `family` when the simulator is right (Bonferroni).
    ///
    /// - Complexity: O(1).
    public static func perCheckConfidence(family: Double, checks: Int) -> Double {
        1 - (1 - family) / Double(max(checks, 1))
    }

    /// Runs every case.
    ///
    /// - Parameter starting: called with each case, its index and the number of cases that run,
    ///   just before it starts (a progress line).
    /// - Complexity: the sum of the runs'.
    /// - Throws: `SimulationError` for an invalid `jobs`.
    public static func run(
        jobs: Int, seed: UInt64, familyConfidence: Double = 0.95,
        starting: (_ validationCase: ValidationCase, _ index: Int, _ count: Int) -> Void = { _, _, _ in }
    ) throws(SimulationError) -> ValidationReport {
        let cases = cases(jobs: jobs, seed: seed)
        let statistical = cases.reduce(0) { $0 + $1.expectations.count }
        let confidence = perCheckConfidence(family: familyConfidence, checks: statistical)
        var checks: [ValidationCheck] = []
        var requests = 0
        for (index, validationCase) in cases.enumerated() {
            starting(validationCase, index, cases.count)
            let result = try Simulation.run(validationCase.configuration, router: validationCase.router)
            checks += validationCase.checks(of: result, confidence: confidence)
            requests += result.simulatedRequests
        }
        return ValidationReport(
            jobs: jobs, warmupJobs: cases[0].configuration.warmupJobs, seed: seed,
            confidence: confidence, familyConfidence: familyConfidence, checks: checks,
            simulatedRequests: requests
        )
    }
}
