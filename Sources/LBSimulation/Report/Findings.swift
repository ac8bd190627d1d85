/// Sentences that state what a scenario's numbers show, computed from them, so the default
/// report's conclusions are never stale prose.
enum Findings {
    static func describe(_ finding: Scenario.Finding, results: [SimulationResult]) -> [String] {
        switch finding {
        case .leastConnectionsVersusRoundRobin: versusRoundRobin(results)
        case .weightedVersusUnweighted: weightedVersusUnweighted(results)
        case .degradationWithBalancers: degradation(results)
        }
    }

    static let roundRobinName = "round-robin"

    private static func versusRoundRobin(_ results: [SimulationResult]) -> [String] {
        guard let roundRobin = results.first(where: { $0.selector == roundRobinName }) else {
            return ["\(roundRobinName) is not in this build, so there is nothing to compare least connections with here."]
        }
        let others = results.filter { $0.selector != roundRobinName }
        let p99 = others.map { "\($0.selector) \(ratio(roundRobin.responsePercentiles.p99, $0.responsePercentiles.p99))" }
        let mean = others.map { "\($0.selector) \(ratio(roundRobin.meanResponse, $0.meanResponse))" }
        return [
            "p99 response time of round-robin ÷ each selector's (above 1×: the selector is faster): " + p99.joined(separator: ", ") + ".",
            "Mean response time, same ratio: " + mean.joined(separator: ", ") + ".",
        ]
    }

    private static func weightedVersusUnweighted(_ results: [SimulationResult]) -> [String] {
        results.compactMap { unweighted in
            guard unweighted.configuration.unweighted,
                  let weighted = results.first(where: {
                      !$0.configuration.unweighted && unweighted.selector == $0.selector + " (unweighted)"
                  })
            else { return nil }
            return "\(weighted.selector): p99 \(MarkdownTime.text(weighted.responsePercentiles.p99)) weighted, "
                + "\(MarkdownTime.text(unweighted.responsePercentiles.p99)) unweighted "
                + "(\(ratio(unweighted.responsePercentiles.p99, weighted.responsePercentiles.p99)) the weighted one's); "
                + "mean \(MarkdownTime.text(weighted.meanResponse)) against \(MarkdownTime.text(unweighted.meanResponse))."
        }
    }

    private static func degradation(_ results: [SimulationResult]) -> [String] {
        var lines: [String] = []
        var herding: [(selector: String, rise: Double, from: Double, to: Double)] = []
        for base in results where base.configuration.balancers == 1 {
            let variants = results.filter { $0.selector == base.selector && $0.configuration.balancers > 1 }
            guard !variants.isEmpty else { continue }
            let parts = variants.map { variant in
                "\(ratio(variant.responsePercentiles.p99, base.responsePercentiles.p99)) with "
                    + SimulationReport.balancersText(variant.configuration)
            }
            lines.append("\(base.selector): p99 \(MarkdownTime.text(base.responsePercentiles.p99)) with one balancer; "
                + parts.joined(separator: ", ") + ".")
            for variant in variants where variant.configuration.refresh != nil {
                herding.append((base.selector, variant.fairness.peakToMeanLoad - base.fairness.peakToMeanLoad,
                                base.fairness.peakToMeanLoad, variant.fairness.peakToMeanLoad))
            }
        }
        if let worst = herding.max(by: { $0.rise < $1.rise }) {
            lines.append("Herds the most on shared, stale counts: \(worst.selector) "
                + "(peak/mean load \(NumberFormat.fixed(worst.from, decimals: 2)) → \(NumberFormat.fixed(worst.to, decimals: 2))).")
        }
        return lines
    }

    /// `a ÷ b` as "3.7×".
    private static func ratio(_ a: Double, _ b: Double) -> String {
        NumberFormat.significant(a / b, digits: 2) + "×"
    }
}

/// Times as the reports print them: four significant digits, since response times span 0.01
/// to 10⁴.
enum MarkdownTime {
    static func text(_ value: Double) -> String { NumberFormat.significant(value, digits: 4) }
}
