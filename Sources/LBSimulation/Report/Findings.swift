import LBReporting

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

    /// The ratios of round robin to every other selector; a sentence saying why there are
    /// none when `--selectors` left round robin out.
    private static func versusRoundRobin(_ results: [SimulationResult]) -> [String] {
        let roundRobinName = RouterKind.selector(.roundRobin).name
        guard let roundRobin = results.first(where: { $0.selector == roundRobinName }) else {
            return ["\(roundRobinName) was not among the selectors, so there is nothing to compare least connections with here."]
        }
        let others = results.filter { $0.selector != roundRobinName }
        func line(_ label: String, _ statistic: (SimulationResult) -> Double) -> String {
            let ratios = others.map { "\($0.selector) \(ratio(statistic(roundRobin), statistic($0)))" }
            return "\(label): " + ratios.joined(separator: ", ") + "."
        }
        return [
            line("Round robin's p99 response time ÷ each selector's (above 1×: the selector is faster)") {
                $0.responsePercentiles.p99
            },
            line("Same ratio for p99.9") { $0.responsePercentiles.p999 },
            line("Same ratio for the mean") { $0.meanResponse },
        ]
    }

    private static func weightedVersusUnweighted(_ results: [SimulationResult]) -> [String] {
        results.compactMap { unweighted in
            guard unweighted.configuration.unweighted,
                  let weighted = results.first(where: {
                      !$0.configuration.unweighted && unweighted.selector == $0.selector + " (unweighted)"
                  })
            else { return nil }
            // Both runs saw the same requests, so their batches pair up; the interval of the
            // difference is valid only where each run's own is.
            let difference = unweighted.responseBatches.pairedDifference(from: weighted.responseBatches)
            let interval = if let reason = unweighted.noInterval(for: .response) ?? weighted.noInterval(for: .response) {
                "; no confidence interval: \(reason.rawValue)"
            } else {
                " ± \(NumberFormat.time(difference.halfWidth(confidence: 0.95))), 95%, paired batches"
            }
            return "\(weighted.selector): p99 \(NumberFormat.time(weighted.responsePercentiles.p99)) weighted, "
                + "\(NumberFormat.time(unweighted.responsePercentiles.p99)) unweighted "
                + "(\(ratio(unweighted.responsePercentiles.p99, weighted.responsePercentiles.p99))); "
                + "mean \(NumberFormat.time(weighted.meanResponse)) weighted, \(NumberFormat.time(unweighted.meanResponse)) "
                + "unweighted (unweighted − weighted: \(NumberFormat.time(difference.mean))\(interval))."
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
            lines.append("\(base.selector): p99 \(NumberFormat.time(base.responsePercentiles.p99)) with one balancer; "
                + parts.joined(separator: ", ") + ".")
            for variant in variants where variant.configuration.refresh != nil {
                herding.append((base.selector, variant.fairness.peakToMeanLoad - base.fairness.peakToMeanLoad,
                                base.fairness.peakToMeanLoad, variant.fairness.peakToMeanLoad))
            }
        }
        // Naming the selector that herds most only means something when there are several; exact
        // selectors make identical choices, so they tie and are named together.
        if Set(herding.map(\.selector)).count > 1, let worst = herding.max(by: { $0.rise < $1.rise }) {
            var names: [String] = []
            for entry in herding where entry.rise == worst.rise && !names.contains(entry.selector) {
                names.append(entry.selector)
            }
            let from = NumberFormat.fixed(worst.from, decimals: 2)
            let to = NumberFormat.fixed(worst.to, decimals: 2)
            lines.append("Herds the most on shared, stale counts: \(names.joined(separator: ", ")) "
                + "(peak/mean load \(from) → \(to)).")
        }
        return lines
    }

    /// `a ÷ b` as "3.7×".
    private static func ratio(_ a: Double, _ b: Double) -> String {
        NumberFormat.significant(a / b, digits: 2) + "×"
    }
}
