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
            "interval from batch means; percentiles within 0.2%; slowdown = response ÷ the request's service time",
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
                "\(result.selector)\(result.configuration.balancers > 1 ? " (\(Self.balancersText(result.configuration)))" : ""): "
                    + "the farm did not keep up, so arrivals stopped \(result.simulatedRequests) requests in to let the run "
                    + "end; its last measured requests saw a draining farm and its numbers understate the overload."
            }
            if !section.notes.isEmpty || !overloaded.isEmpty {
                lines.append("")
                lines += (section.notes + overloaded).map { "> Note: " + $0 }
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
                NumberFormat.time(result.meanResponse) + " ± "
                    + NumberFormat.time(result.responseBatches.halfWidth(confidence: 0.95)),
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
