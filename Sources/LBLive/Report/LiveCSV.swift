import LBReporting

extension LiveReport {
    /// One CSV line per balancer and algorithm, latencies in seconds, per-backend lists joined
    /// with `/`; the header names every column.
    ///
    /// - Complexity: O(rows × backends).
    public func csv() -> String {
        let header = [
            "balancer", "algorithm", "family", "requests_per_second",
            "short_count", "short_p50", "short_p90", "short_p99", "long_count", "long_p50", "long_p90", "long_p99",
            "mean_response_units", "sim_router", "sim_mean_response_units", "sim_p90_units", "sim_p99_units",
            "sim_short_p50_units", "sim_short_p90_units", "sim_short_p99_units",
            "sim_long_p50_units", "sim_long_p90_units", "sim_long_p99_units",
            "backend_requests", "backend_mean_in_flight", "backend_max_in_flight", "busiest_over_average_in_flight",
            "proxy_cpu_seconds", "proxy_cpu_share", "sent", "errors", "unfinished",
            "generator_max_lag_seconds", "generator_mean_lag_seconds", "segment_short_counts", "segment_short_p99",
            "sim_busiest_over_average_in_flight", "sim_backend_mean_in_flight", "unreleased_picks",
            "backend_long_requests",
        ]
        func number(_ value: Double?) -> String { CSVField.number(value) }
        var lines = [header.joined(separator: ",")]
        for row in rows {
            let cells: [String] = [
                row.balancer, row.algorithm, row.family.rawValue, number(row.requestsPerSecond),
                row.short.map { String($0.count) } ?? "0", number(row.short?.p50), number(row.short?.p90), number(row.short?.p99),
                row.long.map { String($0.count) } ?? "0", number(row.long?.p50), number(row.long?.p90), number(row.long?.p99),
                number(row.meanResponseUnits), row.prediction?.router ?? "", number(row.prediction?.meanResponse),
                number(row.prediction?.p90), number(row.prediction?.p99),
                number(row.prediction?.short?.p50), number(row.prediction?.short?.p90), number(row.prediction?.short?.p99),
                number(row.prediction?.long?.p50), number(row.prediction?.long?.p90), number(row.prediction?.long?.p99),
                row.backendRequests.map(String.init).joined(separator: "/"),
                row.backendMeanInFlight.map { number($0) }.joined(separator: "/"),
                row.backendMaximumInFlight.map(String.init).joined(separator: "/"),
                number(row.busiestOverAverage), number(row.proxyCPUSeconds), number(row.proxyCPUShare),
                String(row.sent), String(row.errors), String(row.unfinished),
                number(row.generatorMaximumLag), number(row.generatorMeanLag),
                row.segments.map { String($0.shortCount) }.joined(separator: "/"),
                row.segments.map { number($0.shortP99) }.joined(separator: "/"),
                number(row.prediction?.busiestOverAverageInFlight),
                row.prediction?.meanInFlight.map { number($0) }.joined(separator: "/") ?? "",
                row.unreleasedPicks.map(String.init) ?? "",
                row.backendLongRequests.map(String.init).joined(separator: "/"),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
