import LBReporting

extension LiveReport {
    /// The Markdown report: machine, farm, findings, the main table, per-backend load, notes.
    ///
    /// - Complexity: O(rows × backends).
    public func markdown() -> String {
        var text = "# lbbench live\n\n"
        text += "Machine: \(machine.cpu), \(machine.cores) cores, \(machine.os), Swift \(machine.swift), \(machine.build) build, \(machine.date).\n\n"
        text += "Farm: \(farmDescription).\n\n"
        let findings = LiveFindings(rows, band: busiestBand).lines
        if !findings.isEmpty {
            text += "## Findings\n\n" + findings.map { "- \($0)\n" }.joined() + "\n"
        }
        text += "## Latency (short: ≤ mean size; long: > mean size)\n\n"
        text += "| balancer | algorithm | req/s | short p50 ms | short p90 ms | short p99 ms | long p50 s | long p90 s | long p99 s "
            + "| mean resp (units) | sim mean (units) | sim short p90 ms | sim short p99 ms | sim long p90 s | sim long p99 s | busiest ÷ avg in-flight | sim busiest ÷ avg | proxy CPU "
            + "| errors | unfinished | generator late max ms | generator late mean ms |\n"
        text += "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        let unit = configuration.unit
        for row in rows {
            let short = row.short
            let long = row.long
            let cells = [
                row.balancer, row.algorithm, LiveFormat.number(row.requestsPerSecond),
                LiveFormat.optional(short?.p50, LiveFormat.milliseconds), LiveFormat.optional(short?.p90, LiveFormat.milliseconds),
                LiveFormat.optional(short?.p99, LiveFormat.milliseconds),
                LiveFormat.optional(long?.p50, LiveFormat.number), LiveFormat.optional(long?.p90, LiveFormat.number),
                LiveFormat.optional(long?.p99, LiveFormat.number),
                LiveFormat.optional(row.meanResponseUnits, LiveFormat.number),
                LiveFormat.optional(row.prediction?.meanResponse, LiveFormat.number),
                LiveFormat.optional(row.prediction?.short.map { $0.p90 * unit }, LiveFormat.milliseconds),
                LiveFormat.optional(row.prediction?.short.map { $0.p99 * unit }, LiveFormat.milliseconds),
                LiveFormat.optional(row.prediction?.long.map { $0.p90 * unit }, LiveFormat.number),
                LiveFormat.optional(row.prediction?.long.map { $0.p99 * unit }, LiveFormat.number),
                LiveFormat.number(row.busiestOverAverage),
                LiveFormat.optional(row.prediction?.busiestOverAverageInFlight, LiveFormat.number),
                "\(LiveFormat.number(row.proxyCPUShare * 100))%",
                String(row.errors), String(row.unfinished),
                LiveFormat.milliseconds(row.generatorMaximumLag), LiveFormat.milliseconds(row.generatorMeanLag),
            ]
            text += MarkdownTable.row(cells) + "\n"
        }
        text += "\nSimulator columns: `lbbench simulate` on the same farm, sizes and load, with each row's rule "
            + "(lbbench's rows their own selector; HAProxy's and nginx's least connections as `haproxy-leastconn` and "
            + "`nginx-least-conn`, models of their own rules; round robin as `round-robin`); units are the mean request's "
            + "service time on a speed-1 backend; its short and long percentiles are in ms and s like the measured ones; "
            + "its busiest ÷ average is over its whole simulated run. Long requests still running when the drain ended are "
            + "`unfinished`, not in the measured percentiles and mean; the simulator's include every request, so where "
            + "a row has unfinished requests its measured long percentiles and mean read low against them.\n\n"
        text += segmentTable()
        text += "## Per backend (measurement window)\n\n"
        let backendHeader = configuration.weights.indices.map { "b\($0) (w\(configuration.weights[$0]))" }
        var perBackend = MarkdownTable(
            ["balancer", "algorithm", "requests " + backendHeader.joined(separator: " / "), "long requests", "mean in-flight",
             "sim mean in-flight", "max in-flight"])
        for row in rows {
            perBackend.append([
                row.balancer, row.algorithm, row.backendRequests.map(String.init).joined(separator: " / "),
                row.backendLongRequests.map(String.init).joined(separator: " / "),
                row.backendMeanInFlight.map(LiveFormat.number).joined(separator: " / "),
                row.prediction.map { $0.meanInFlight.map(LiveFormat.number).joined(separator: " / ") } ?? "–",
                row.backendMaximumInFlight.map(String.init).joined(separator: " / "),
            ])
        }
        text += perBackend.lines.map { $0 + "\n" }.joined()
        if !notes.isEmpty { text += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
        text += "\nWhole run: \(LiveFormat.number(seconds)) s.\n"
        return text
    }

    /// Each row's short-request p99 per window segment, with the requests it rests on.
    private func segmentTable() -> String {
        let count = configuration.segments
        let length = configuration.duration / Double(count)
        let header = (0..<count).map { "\(LiveFormat.number(Double($0) * length))–\(LiveFormat.number(Double($0 + 1) * length)) s" }
        var table = MarkdownTable(["balancer", "algorithm"] + header)
        for row in rows {
            table.append([row.balancer, row.algorithm] + row.segments.map {
                "\(LiveFormat.optional($0.shortP99, LiveFormat.milliseconds)) (\($0.shortCount))"
            })
        }
        return "## Short-request p99 by window segment, ms (short requests in it)\n\n"
            + "Rows run \(configuration.effectiveSchedule == .together ? "side by side: a column is the same seconds of the machine for every row" : "one after another: a column is the same part of each row's window")"
            + ".\n\n" + table.lines.map { $0 + "\n" }.joined() + "\n"
    }
}
