import LBReporting

/// How live reports print numbers: fixed and locale-free (`NumberFormat`).
enum LiveFormat {
    static func number(_ value: Double) -> String { NumberFormat.significant(value, digits: 3) }
    static func milliseconds(_ seconds: Double) -> String { NumberFormat.significant(seconds * 1000, digits: 3) }
    static func optional(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "–" }
}

extension LiveReport {
    /// The report in `format`, ending with a newline.
    ///
    /// - Throws: `EncodingError` if the JSON cannot be encoded (it writes non-finite numbers
    ///   as `null`, so in practice it does not).
    package func rendered(_ format: OutputFormat) throws -> String {
        switch format {
        case .markdown: markdown()
        case .json: try json()
        case .csv: csv()
        }
    }

    /// One line describing the farm and the load.
    var farmDescription: String {
        let traffic: String
        switch configuration.traffic {
        case let .open(utilization):
            traffic = "Poisson arrivals at ρ = \(LiveFormat.number(utilization)) "
                + "(\(LiveFormat.number(configuration.arrivalRate ?? 0)) requests/s)"
        case let .closed(population, thinkTime):
            traffic = "closed loop, \(population) clients, think time \(LiveFormat.milliseconds(thinkTime)) ms"
        }
        return "\(configuration.weights.count) backends, weights (speeds) \(configuration.weights.map(String.init).joined(separator: ",")), "
            + "\(configuration.capacity); sizes `\(configuration.workload.rawValue)` (mean request "
            + "\(LiveFormat.milliseconds(configuration.unit)) ms of work on a speed-1 backend); \(traffic); "
            + "warm-up \(LiveFormat.number(configuration.warmup)) s, measured \(LiveFormat.number(configuration.duration)) s, "
            + "drain ≤ \(LiveFormat.number(configuration.drain)) s; seed \(configuration.seed); rows "
            + (configuration.effectiveSchedule == .together
                ? "side by side (each on its own copy of the farm, every request sent to every row at the same instant)"
                : "one after another") + ", window in \(configuration.segments) segments"
    }
}
