import Foundation
@testable import LBSimulation
import LoadBalancing
import Testing

/// The reports print a confidence interval only where batch means give a valid one, and say
/// why not elsewhere: an overloaded farm has no steady state, heavy-tailed sizes give the mean
/// response an infinite variance (and FCFS an infinite mean), and FCFS slowdown under
/// exponential sizes has an infinite mean (E[1/S] = ∞).
@Suite("Means without a valid interval")
struct NoIntervalTests {
    static func run(
        _ weights: [Int] = [1], discipline: Discipline = .ps, sizes: RequestSizes, unweighted: Bool = false,
        router: RouterKind = .selector(.linearScan)
    ) throws -> SimulationResult {
        let configuration = SimulationConfiguration(
            weights: weights, unweighted: unweighted, traffic: .open(utilization: 0.8), discipline: discipline,
            sizes: sizes, jobs: 6_000, seed: 3)
        return try Simulation.run(configuration, router: router)
    }

    /// The JSON run of `result`, and its table row in the Markdown.
    static func rendered(_ result: SimulationResult) throws -> (run: [String: Any], markdown: String) {
        let report = SimulationReport(sections: [.init(id: "t", title: "t", results: [result])])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        return (run, report.markdown())
    }

    @Test("which means have a valid interval, by discipline and sizes")
    func reasons() throws {
        let cases: [(Discipline, RequestSizes, SimulationResult.NoInterval?, SimulationResult.NoInterval?)] = [
            (.ps, .exponential, nil, nil),
            (.ps, .deterministic, nil, nil),
            (.ps, .workload(.mixed), nil, nil),
            (.ps, .workload(.heavyTail), .infiniteVariance, .longRangeDependence),
            (.fcfs, .deterministic, nil, nil),
            (.fcfs, .workload(.mixed), nil, nil),
            (.fcfs, .exponential, nil, .infiniteMeanSlowdown),
            (.fcfs, .workload(.longLived), nil, .infiniteMeanSlowdown),
            (.fcfs, .workload(.heavyTail), .infiniteMeanWait, .infiniteMeanWait),
        ]
        for (discipline, sizes, response, slowdown) in cases {
            let result = try Self.run(discipline: discipline, sizes: sizes)
            #expect(!result.truncatedTail)
            #expect(result.noInterval(for: .response) == response, "\(discipline) \(sizes)")
            #expect(result.noInterval(for: .slowdown) == slowdown, "\(discipline) \(sizes)")
            #expect((result.halfWidth(of: .response, confidence: 0.95) == nil) == (response != nil))
            #expect((result.halfWidth(of: .slowdown, confidence: 0.95) == nil) == (slowdown != nil))
        }
    }

    /// Heavy-tailed sizes: a 95% interval of the mean response missed the true value in about 30%
    /// of runs (one PS server, ρ = 0.8, 300,000 jobs, seeds 1–100), so none is printed.
    @Test("heavy-tailed sizes: no interval for the mean response or slowdown, and the reason, in Markdown and JSON")
    func heavyTail() throws {
        let result = try Self.run(sizes: .workload(.heavyTail))
        let (run, markdown) = try Self.rendered(result)
        #expect(run["meanResponseHalfWidth95"] is NSNull && run["meanSlowdownHalfWidth95"] is NSNull)
        #expect(run["meanResponseNoIntervalReason"] as? String == SimulationResult.NoInterval.infiniteVariance.rawValue)
        #expect(run["meanSlowdownNoIntervalReason"] as? String == SimulationResult.NoInterval.longRangeDependence.rawValue)
        let row = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| linear-scan | ") })
        #expect(SimulationReport.meanCell(result).hasSuffix(" (no interval)"))
        #expect(row.hasPrefix("| linear-scan | \(SimulationReport.meanCell(result)) | "), "\(row)")
        #expect(!row.contains("±"))
        #expect(markdown.contains("> Note: mean response of linear-scan: no confidence interval (infinite variance: "))
        #expect(markdown.contains("> Note: mean slowdown of linear-scan: no confidence interval (long-range dependence: "))
    }

    /// An overloaded farm (the video farm, round robin ignoring the weights): at 30,000 and
    /// 300,000 jobs it printed 153 ± 28 and 1255 ± 217 as 95% intervals of a mean that grows
    /// with the run.
    @Test("an overloaded farm: no interval, in the table, the JSON and the paired finding")
    func overloaded() throws {
        let weighted = try Self.run([2, 1, 1], sizes: .workload(.video), router: .selector(.roundRobin))
        var configuration = weighted.configuration
        configuration.unweighted = true
        configuration.traffic = .open(utilization: 0.9)
        let unweighted = try Simulation.run(configuration, router: .selector(.roundRobin))
        #expect(unweighted.truncatedTail)
        #expect(unweighted.noInterval(for: .response) == .noSteadyState && unweighted.noInterval(for: .slowdown) == .noSteadyState)
        let (run, markdown) = try Self.rendered(unweighted)
        #expect(run["meanResponseHalfWidth95"] is NSNull && run["meanSlowdownHalfWidth95"] is NSNull)
        #expect(run["meanResponseNoIntervalReason"] as? String == SimulationResult.NoInterval.noSteadyState.rawValue)
        let row = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| round-robin (unweighted) | ") })
        #expect(row.contains(" (no interval) |") && !row.contains("±"), "\(row)")
        #expect(markdown.contains("> Note: mean response and mean slowdown of round-robin (unweighted): no confidence interval (no steady state: "))

        var paired = weighted.configuration
        paired.traffic = .open(utilization: 0.9)
        let stable = try Simulation.run(paired, router: .selector(.roundRobin))
        #expect(!stable.truncatedTail)
        let finding = try #require(Findings.describe(.weightedVersusUnweighted, results: [stable, unweighted]).first)
        #expect(finding.hasSuffix("; no confidence interval: \(SimulationResult.NoInterval.noSteadyState.rawValue))."), "\(finding)")
        #expect(!finding.contains("±") && !finding.contains("95%"))
    }

    /// FCFS with exponential sizes: slowdown = 1 + wait ÷ size has an infinite mean; at 10⁶ jobs
    /// on one server at ρ = 0.8 three seeds printed 48.9 ± 6.6, 63.8 ± 17.6 and 71.6 ± 34.0.
    @Test("FCFS with exponential sizes: the mean response keeps its interval, the mean slowdown has none")
    func firstComeFirstServedSlowdown() throws {
        let result = try Self.run(discipline: .fcfs, sizes: .exponential)
        let (run, markdown) = try Self.rendered(result)
        #expect(run["meanResponseHalfWidth95"] is Double && run["meanResponseNoIntervalReason"] is NSNull)
        #expect(run["meanSlowdownHalfWidth95"] is NSNull)
        #expect(run["meanSlowdownNoIntervalReason"] as? String == SimulationResult.NoInterval.infiniteMeanSlowdown.rawValue)
        #expect(markdown.contains(" ± ") && !markdown.contains("mean response of linear-scan: no confidence interval"))
        #expect(markdown.contains("> Note: mean slowdown of linear-scan: no confidence interval (infinite mean: "))
    }
}
