import LBReporting

extension SimulationReport {
    /// The report as Markdown: a short preamble, then one table per scenario with its findings
    /// and notes.
    ///
    /// - Complexity: O(runs · servers).
    public func markdown() -> String {
        var lines = [
            "# Simulated response times",
            "",
            "Discrete-event simulation of a server farm; every request is routed by the library's own selector code.",
            "Times are in units of the mean request's service time on a weight-1 server. Mean ± 95% confidence",
            "interval from batch means, where they give a valid one (otherwise \"(no interval)\" and a note says why:",
            "an overloaded farm, or sizes whose mean or variance is infinite or whose batches stay correlated);",
            "percentiles within 0.2%; slowdown = response ÷ the request's service time",
            "alone on its server; Jain load and peak/mean load are averaged over periodic samples of the active",
            "counts ÷ weight; utilisation, peak queue and mean in flight per server (min–max when more than 4);",
            "busiest ÷ avg: the largest mean in flight ÷ weight over their mean; Little: whether L = λT holds on the",
            "run, up to the requests straddling its measurement window.",
        ]
        if !notes.isEmpty {
            lines.append("")
            lines += notes.map { "> Note: " + $0 }
        }
        for section in sections {
            lines += ["", "## \(section.title)", ""]
            if let first = section.results.first {
                lines.append(Self.farmLine(first.configuration))
                lines.append("")
                lines += Self.table(section.results)
            }
            if !section.findings.isEmpty {
                lines.append("")
                lines += section.findings.map { "- " + $0 }
            }
            let overloaded = section.results.filter(\.truncatedTail).map { result in
                "\(Self.runName(result)): the farm did not keep up, so arrivals stopped \(result.simulatedRequests) requests "
                    + "in to let the run end; its last measured requests saw a draining farm and its numbers understate the "
                    + "overload."
            }
            let notes = section.notes + overloaded + Self.noIntervalNotes(section.results)
            if !notes.isEmpty {
                lines.append("")
                lines += notes.map { "> Note: " + $0 }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func farmLine(_ configuration: SimulationConfiguration) -> String {
        let weights = Set(configuration.weights).count == 1
            ? "all weight \(configuration.weights[0])"
            : "weights \(configuration.weights.map(String.init).joined(separator: ","))"
        return "\(configuration.weights.count) servers (\(weights)), \(configuration.traffic), "
            + "\(configuration.discipline.summary), sizes `\(configuration.sizes)`, "
            + "\(configuration.jobs) requests measured after \(configuration.warmupJobs) warm-up, seed \(configuration.seed)."
    }

    static func table(_ results: [SimulationResult]) -> [String] {
        let showBalancers = results.contains { $0.configuration.balancers > 1 }
        var header = ["selector"]
        if showBalancers { header.append("balancers") }
        header += ["mean ± 95%", "p50", "p90", "p99", "p99.9", "slowdown"]
        header += ["Jain load", "peak/mean", "utilisation", "peak queue", "in flight", "busiest ÷ avg", "Little"]
        var table = MarkdownTable(header)
        for result in results {
            var cells = [result.selector]
            if showBalancers { cells.append(balancersText(result.configuration)) }
            let percentiles = result.responsePercentiles
            cells += [
                meanCell(result),
                NumberFormat.time(percentiles.p50), NumberFormat.time(percentiles.p90),
                NumberFormat.time(percentiles.p99), NumberFormat.time(percentiles.p999),
                NumberFormat.time(result.meanSlowdown),
                NumberFormat.fixed(result.fairness.jainLoad, decimals: 3),
                NumberFormat.fixed(result.fairness.peakToMeanLoad, decimals: 2),
                perServer(result.utilization) { NumberFormat.fixed($0, decimals: 2) },
                perServer(result.peakQueue) { String($0) },
                perServer(result.meanInFlight) { NumberFormat.significant($0, digits: 3) },
                NumberFormat.fixed(result.busiestOverAverageInFlight, decimals: 3),
                result.littlesLaw.holds ? "ok" : "FAIL",
            ]
            table.append(cells)
        }
        return table.lines
    }

    /// The mean response as the table prints it: "4.977 ± 0.1762" at 95%, or the bare value and
    /// "(no interval)" where batch means give no valid one (a note says why).
    static func meanCell(_ result: SimulationResult) -> String {
        let value = NumberFormat.time(result.meanResponse)
        guard let halfWidth = result.halfWidth(of: .response, confidence: 0.95) else { return value + " (no interval)" }
        return value + " ± " + NumberFormat.time(halfWidth)
    }

    /// A run as the notes name it: its selector, and its balancers when there are several.
    static func runName(_ result: SimulationResult) -> String {
        result.selector + (result.configuration.balancers > 1 ? " (\(balancersText(result.configuration)))" : "")
    }

    /// One note per reason: whose mean response or slowdown has no confidence interval
    /// (`SimulationResult.noInterval(for:)`), and why; one note for both means where the same
    /// runs lack both for the same reason; none when every run has both.
    ///
    /// - Complexity: O(runs).
    static func noIntervalNotes(_ results: [SimulationResult]) -> [String] {
        var groups: [(reason: SimulationResult.NoInterval, means: [SimulationResult.Mean], runs: [Int])] = []
        for mean in SimulationResult.Mean.allCases {
            for reason in SimulationResult.NoInterval.allCases {
                let runs = results.indices.filter { results[$0].noInterval(for: mean) == reason }
                guard !runs.isEmpty else { continue }
                if let index = groups.firstIndex(where: { $0.reason == reason && $0.runs == runs }) {
                    groups[index].means.append(mean)
                } else {
                    groups.append((reason, [mean], runs))
                }
            }
        }
        return groups.map { group in
            let whose = group.runs.count == results.count && results.count > 1
                ? "every run" : group.runs.map { runName(results[$0]) }.joined(separator: ", ")
            return "\(group.means.map(\.rawValue).joined(separator: " and ")) of \(whose): no confidence interval "
                + "(\(group.reason.rawValue))."
        }
    }

    /// "1", "4, own counts" or "4, shared every 0.5".
    static func balancersText(_ configuration: SimulationConfiguration) -> String {
        guard configuration.balancers > 1 else { return "1" }
        if let refresh = configuration.refresh {
            return "\(configuration.balancers), shared every \(NumberFormat.significant(refresh, digits: 3))"
        }
        return "\(configuration.balancers), own counts"
    }

    /// Each server's value for up to 4 servers, else the range.
    private static func perServer<Value: Comparable>(_ values: [Value], format: (Value) -> String) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        if values.count <= 4 { return values.map(format).joined(separator: "/") }
        return format(low) + "–" + format(high)
    }
}
