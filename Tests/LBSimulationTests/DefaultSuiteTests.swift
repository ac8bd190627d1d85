@testable import LBSimulation
import LoadBalancing
import Testing

@Suite("The default comparison")
struct DefaultSuiteTests {
    @Test("every scenario runs every library selector and states its findings")
    func scenarios() throws {
        let scenarios = DefaultSuite.scenarios(jobs: 3_000, seed: 4)
        #expect(scenarios.map(\.id) == ["mixed", "heavy-tail", "deterministic", "video", "video-light", "balancers"])
        let sections = try scenarios.map { try $0.run() }
        let kinds = SelectorKind.allCases.map(\.rawValue)
        for section in sections.prefix(3) {
            #expect(section.results.map(\.selector) == kinds)
            #expect(!section.findings.isEmpty)
        }
        for (video, utilization) in [(sections[3], DefaultSuite.utilization), (sections[4], DefaultSuite.lightUtilization)] {
            #expect(video.results.map(\.selector) == kinds.flatMap { [$0, $0 + " (unweighted)"] })
            #expect(video.results.allSatisfy { $0.configuration.weights == [2, 1, 1] })
            #expect(video.results.allSatisfy { $0.configuration.traffic == .open(utilization: utilization) })
            #expect(video.findings.count == kinds.count)
        }
        let balancers = sections[5]
        let assignable = SelectorKind.allCases  // every selector can assign (`ServerSelector.assign`)
        #expect(balancers.results.count == kinds.count * 2 + assignable.count * DefaultSuite.refreshPeriods.count)
        #expect(balancers.findings.contains { $0.hasPrefix("Herds the most") } == (assignable.count > 1))
        let missing = DefaultSuite.comparedSelectors.filter { RouterKind(name: $0) == nil }
        #expect(DefaultSuite.notes.count == missing.count)
        let report = SimulationReport(sections: sections, notes: DefaultSuite.notes)
        let markdown = report.markdown()
        #expect(markdown.contains("## Mixed sizes"))
        #expect(markdown.contains("| selector | mean ± 95% | p50 | p90 | p99 | p99.9 |"))
        let json = report.json().rendered()
        #expect(json.hasPrefix("{\n  \"notes\": ["), "keys sorted")
        #expect(json.contains("\n  \"runs\": [\n"))
        #expect(json.contains("\"schema\": \"lbbench.simulation/1\""))
        #expect(json.contains("\"responsePercentiles\": {\n        \"p50\": "))
    }

    @Test("round robin's absence is a finding, not a crash")
    func withoutRoundRobin() throws {
        let scenario = DefaultSuite.scenarios(jobs: 3_000, seed: 4, routers: [.selector(.linearScan), .random])[0]
        let section = try scenario.run()
        let why = RouterKind(name: "round-robin") == nil ? "is not in this build" : "was not among the selectors"
        #expect(section.findings == ["round-robin \(why), so there is nothing to compare least connections with here."])
        #expect(section.results.map(\.selector) == ["linear-scan", "random"])
    }

    @Test("with round robin present, the findings give its ratios to each selector")
    func againstRoundRobin() throws {
        let configuration = SimulationConfiguration(weights: Array(repeating: 1, count: 10), sizes: .workload(.heavyTail), jobs: 20_000, seed: 4)
        let roundRobin = try Simulation.run(configuration, routerName: "round-robin") { _ in RotationRouter(serverCount: 10) }
        let leastConnections = try Simulation.run(configuration, router: .selector(.linearScan))
        let findings = Findings.describe(.leastConnectionsVersusRoundRobin, results: [leastConnections, roundRobin])
        #expect(findings.count == 3)
        let ratio = roundRobin.responsePercentiles.p99 / leastConnections.responsePercentiles.p99
        #expect(ratio > 2, "least connections beats round robin on heavy-tailed sizes")
        #expect(findings[0].hasSuffix("linear-scan \(NumberFormat.significant(ratio, digits: 2))×."))
    }
}
