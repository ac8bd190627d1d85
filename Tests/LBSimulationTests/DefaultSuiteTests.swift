import Foundation
import LBReporting
@testable import LBSimulation
import LoadBalancing
import Testing

/// The default comparison, checked against the runs' own numbers: each finding's figures are
/// read back from its text and compared with the results they claim to summarise.
@Suite("The default comparison")
struct DefaultSuiteTests {
    static let kinds = SelectorKind.allCases.map(\.rawValue)

    /// The number right after `label` in `text` ("linear-scan 3.5×" → 3.5).
    static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" }
        return Double(digits)
    }

    static func close(_ printed: Double?, _ exact: Double, digits: Double) -> Bool {
        guard let printed else { return false }
        return abs(printed - exact) <= 0.5 * pow(10, (log10(abs(exact))).rounded(.down) - digits + 1) * 1.000_001
    }

    @Test("every scenario runs every library selector, and each finding states its runs' numbers")
    func scenarios() throws {
        let scenarios = DefaultSuite.scenarios(jobs: 3_000, seed: 4)
        #expect(scenarios.map(\.id) == ["mixed", "heavy-tail", "deterministic", "video", "video-light", "balancers"])
        let sections = try scenarios.map { try $0.run() }

        for section in sections.prefix(3) {
            #expect(section.results.map(\.selector) == Self.kinds)
            let roundRobin = try #require(section.results.first { $0.selector == "round-robin" })
            let statistics: [(prefix: String, value: (SimulationResult) -> Double)] = [
                ("Round robin's p99 response time ÷ each selector's (above 1×: the selector is faster): ", { $0.responsePercentiles.p99 }),
                ("Same ratio for p99.9: ", { $0.responsePercentiles.p999 }),
                ("Same ratio for the mean: ", { $0.meanResponse }),
            ]
            try #require(section.findings.count == 3, "\(section.id): \(section.findings)")
            for (finding, statistic) in zip(section.findings, statistics) {
                #expect(finding.hasPrefix(statistic.prefix), "\(finding)")
                for result in section.results where result.selector != "round-robin" {
                    let ratio = statistic.value(roundRobin) / statistic.value(result)
                    let printed = Self.number(after: " \(result.selector) ", in: finding)
                    #expect(Self.close(printed, ratio, digits: 2), "\(section.id) \(result.selector): \(finding) vs \(ratio)")
                }
            }
        }

        for (video, utilization) in [(sections[3], 0.9), (sections[4], 0.3)] {
            #expect(video.results.map(\.selector) == Self.kinds.flatMap { [$0, $0 + " (unweighted)"] })
            #expect(video.results.map(\.configuration.unweighted) == Self.kinds.flatMap { _ in [false, true] })
            #expect(video.results.allSatisfy { $0.configuration.weights == [2, 1, 1] })
            #expect(video.results.allSatisfy { $0.configuration.traffic == .open(utilization: utilization) })
            try #require(video.findings.count == Self.kinds.count)
            for (finding, pair) in zip(video.findings, stride(from: 0, to: video.results.count, by: 2)) {
                let weighted = video.results[pair]
                let unweighted = video.results[pair + 1]
                #expect(finding.hasPrefix("\(weighted.selector): p99 "), "\(finding)")
                #expect(Self.close(Self.number(after: ": p99 ", in: finding), weighted.responsePercentiles.p99, digits: 4), "\(finding)")
                #expect(Self.close(Self.number(after: " weighted, ", in: finding), unweighted.responsePercentiles.p99, digits: 4))
                #expect(Self.close(Self.number(after: "; mean ", in: finding), weighted.meanResponse, digits: 4), "\(finding)")
            }
        }

        // Per selector: one balancer, 8 on their own counts, 8 sharing counts every 1 and every 10.
        let balancers = sections[5]
        #expect(balancers.results.map(\.selector) == Self.kinds.flatMap { Array(repeating: $0, count: 4) })
        for (index, result) in balancers.results.enumerated() {
            let expected: (Int, Double?) = [(1, nil), (8, nil), (8, 1.0), (8, 10.0)][index % 4]
            #expect(result.configuration.balancers == expected.0 && result.configuration.refresh == expected.1)
        }
        // The herding line names the selector whose peak/mean load rose most with shared counts.
        let herding = try #require(balancers.findings.first { $0.hasPrefix("Herds the most on shared, stale counts: ") })
        let rises = Dictionary(grouping: balancers.results, by: \.selector).mapValues { runs in
            runs.filter { $0.configuration.refresh != nil }.map { $0.fairness.peakToMeanLoad - runs[0].fairness.peakToMeanLoad }.max()!
        }
        let worst = rises.values.max()!
        let named = rises.filter { $0.value == worst }.keys
        #expect(named.allSatisfy { herding.contains($0) } && !named.isEmpty, "\(herding) vs \(rises)")
        #expect(rises.filter { $0.value < worst }.keys.allSatisfy { !herding.contains(" \($0)") && !herding.contains(": \($0)") })

        let report = SimulationReport(sections: sections)
        let markdown = report.markdown()
        #expect(markdown.contains("## Mixed sizes"))
        #expect(markdown.contains("| selector | mean ± 95% | p50 | p90 | p99 | p99.9 |"))
        // One row in each of the three comparisons and the two video tables, four in the balancers table.
        #expect(markdown.components(separatedBy: "\n| linear-scan | ").count - 1 == 9)
    }

    @Test("the JSON is lbbench.simulation/1: every documented field of every run, null where absent")
    func json() throws {
        let section = try DefaultSuite.scenarios(jobs: 3_000, seed: 4, routers: [.selector(.linearScan)])[0].run()
        let result = section.results[0]
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(SimulationReport(sections: [section]).json().utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["schema", "notes", "runs", "scenarios"])
        #expect(document["schema"] as? String == "lbbench.simulation/1")
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        #expect(Set(run.keys) == [
            "scenario", "selector", "servers", "weights", "balancerWeights", "balancers", "refresh", "utilization",
            "population", "thinkTime", "discipline", "sizes", "jobs", "warmupJobs", "batches", "seed", "meanResponse",
            "meanResponseHalfWidth95", "responsePercentiles", "maxResponse", "meanSlowdown", "meanSlowdownHalfWidth95",
            "slowdownPercentiles", "throughput", "measuredUtilization", "perServer", "busiestOverAverageInFlight",
            "fairness", "littlesLaw", "windowLength", "simulatedRequests", "truncatedTail",
            "meanResponseNoIntervalReason", "meanSlowdownNoIntervalReason",
        ])
        #expect(run["meanResponseNoIntervalReason"] is NSNull && run["meanResponseHalfWidth95"] is Double, "mixed sizes have intervals")
        #expect(run["population"] is NSNull && run["thinkTime"] is NSNull && run["refresh"] is NSNull)
        #expect(run["scenario"] as? String == "mixed" && run["selector"] as? String == "linear-scan")
        #expect(run["utilization"] as? Double == 0.9)
        let mean = try #require(run["meanResponse"] as? Double)
        #expect(abs(mean - result.meanResponse) <= 1e-8 * result.meanResponse, "9 significant digits")
        let percentiles = try #require(run["responsePercentiles"] as? [String: Double])
        #expect(Set(percentiles.keys) == ["p50", "p90", "p99", "p999"])
        #expect(abs(percentiles["p99"]! - result.responsePercentiles.p99) <= 1e-8 * result.responsePercentiles.p99)
        let perServer = try #require(run["perServer"] as? [String: [Double]])
        #expect(perServer["jobs"]?.map { Int($0) } == result.assignments)
        #expect(perServer["jobs"]?.reduce(0, +) == 3_000)
        #expect(Set(perServer.keys) == ["utilization", "peakQueue", "jobs", "meanInFlight"])
        let inFlight = try #require(perServer["meanInFlight"])
        #expect(zip(inFlight, result.meanInFlight).allSatisfy { abs($0 - $1) <= 1e-8 * $1 })
        let busiest = try #require(run["busiestOverAverageInFlight"] as? Double)
        #expect(abs(busiest - result.busiestOverAverageInFlight) <= 1e-8 * busiest)
    }

    @Test("round robin left out by --selectors is a finding, not a crash")
    func withoutRoundRobin() throws {
        let scenario = DefaultSuite.scenarios(jobs: 3_000, seed: 4, routers: [.selector(.linearScan), .random])[0]
        let section = try scenario.run()
        #expect(section.findings == ["round-robin was not among the selectors, so there is nothing to compare least connections with here."])
        #expect(section.results.map(\.selector) == ["linear-scan", "random"])
    }

    @Test("least connections beats round robin on heavy-tailed sizes, and the finding says by how much")
    func againstRoundRobin() throws {
        let configuration = SimulationConfiguration(weights: Array(repeating: 1, count: 10), sizes: .workload(.heavyTail), jobs: 20_000, seed: 4)
        let roundRobin = try Simulation.run(configuration, router: .selector(.roundRobin))
        let leastConnections = try Simulation.run(configuration, router: .selector(.linearScan))
        let findings = Findings.describe(.leastConnectionsVersusRoundRobin, results: [leastConnections, roundRobin])
        #expect(findings.count == 3)
        let ratio = roundRobin.responsePercentiles.p99 / leastConnections.responsePercentiles.p99
        #expect(ratio > 2, "least connections beats round robin on heavy-tailed sizes")
        #expect(Self.close(Self.number(after: " linear-scan ", in: findings[0]), ratio, digits: 2), "\(findings[0]) vs \(ratio)")
        #expect(findings[0].hasSuffix("×."))
    }

    /// A short run of linear-scan on weights 2, 1, 1, for checking what the reports make of a result.
    static func shortRun() throws -> SimulationResult {
        try Simulation.run(SimulationConfiguration(weights: [2, 1, 1], jobs: 3_000, seed: 4), router: .selector(.linearScan))
    }

    /// Guards the direction of the ratios in the balancers' and the weighted-versus-unweighted
    /// findings: mutants that printed one balancer's p99 ÷ several's, and weighted ÷ unweighted,
    /// survived (the default-suite test reads back only the p99 and mean figures there).
    @Test("findings' ratios: several balancers' p99 ÷ one's, unweighted p99 ÷ weighted")
    func findingRatios() throws {
        var base = try Self.shortRun()
        base.responsePercentiles.p99 = 4
        var several = base
        several.configuration.balancers = 8
        several.responsePercentiles.p99 = 10
        let degradation = Findings.describe(.degradationWithBalancers, results: [base, several])
        #expect(degradation.count == 1 && degradation[0].hasSuffix(" with one balancer; 2.5× with 8, own counts."), "\(degradation)")
        var unweighted = several
        (unweighted.configuration.balancers, unweighted.configuration.unweighted) = (1, true)
        unweighted.selector += " (unweighted)"
        let finding = try #require(Findings.describe(.weightedVersusUnweighted, results: [base, unweighted]).first)
        #expect(finding.contains(" unweighted (2.5×); "), "\(finding)")
    }

    /// Guards which value goes in which column of the Markdown table: a mutant that printed the p99
    /// in the p90 column survived (the other tests read the header, not the cells).
    @Test("each cell of a Markdown row holds the value its column names")
    func tableCells() throws {
        let result = try Self.shortRun()
        let lines = SimulationReport.table([result])
        func cells(_ line: String) -> [String] { line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        let row = Dictionary(uniqueKeysWithValues: zip(cells(lines[0]), cells(lines[2])))
        let percentiles = result.responsePercentiles
        let expected = [
            "selector": "linear-scan", "mean ± 95%": SimulationReport.meanCell(result),
            "p50": NumberFormat.time(percentiles.p50), "p90": NumberFormat.time(percentiles.p90),
            "p99": NumberFormat.time(percentiles.p99), "p99.9": NumberFormat.time(percentiles.p999),
            "slowdown": NumberFormat.time(result.meanSlowdown),
            "Jain load": NumberFormat.fixed(result.fairness.jainLoad, decimals: 3),
            "peak/mean": NumberFormat.fixed(result.fairness.peakToMeanLoad, decimals: 2),
        ]
        for (column, value) in expected { #expect(row[column] == value, "\(column): \(row)") }
        #expect(Set([percentiles.p50, percentiles.p90, percentiles.p99, percentiles.p999].map(NumberFormat.time)).count == 4)
    }

    /// Guards which value each fairness and Little's-law field of the JSON carries: mutants that
    /// wrote the peak/mean load as `jainLoad` and Little's `after` as `before` survived (the CSV
    /// test reads the CSV back against this same JSON, and the JSON test checks only the names).
    @Test("the JSON's fairness and Little's-law fields hold the run's values, each under its own name")
    func jsonFigures() throws {
        let result = try Self.shortRun()
        let run = try NoIntervalTests.rendered(result).run
        let fairness = try #require(run["fairness"] as? [String: Double])
        let little = try #require(run["littlesLaw"] as? [String: Any])
        let law = result.littlesLaw
        let fields: [(name: String, printed: Double?, value: Double)] = [
            ("jainAssignments", fairness["jainAssignments"], result.fairness.jainAssignments),
            ("jainLoad", fairness["jainLoad"], result.fairness.jainLoad),
            ("peakToMeanLoad", fairness["peakToMeanLoad"], result.fairness.peakToMeanLoad),
            ("meanInSystem", little["meanInSystem"] as? Double, law.meanInSystem),
            ("arrivalRateTimesMeanResponse", little["arrivalRateTimesMeanResponse"] as? Double, law.arrivalRateTimesMeanResponse),
            ("boundary", little["boundary"] as? Double, law.boundary),
            ("before", little["before"] as? Double, law.before),
            ("after", little["after"] as? Double, law.after),
        ]
        for field in fields {
            #expect(field.printed.map { abs($0 - field.value) <= 1e-8 * abs(field.value) } == true,
                    "\(field.name): JSON \(String(describing: field.printed)), run \(field.value)")
        }
        // The values differ, so a field holding its neighbour's would show.
        #expect(Set(fields.map(\.value)).count == fields.count, "\(fields)")
    }
}
