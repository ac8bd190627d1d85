/// What a results file may hold: the counts the harness writes are in the ranges it can
/// produce, so that `report` and `compare` never render or compare a cell that no run made
/// (a farm of -5 servers, weights for a different farm, a negative rate).
extension ResultsDocument {
    /// The first field of a run outside what the harness writes, in words naming the run and
    /// the field; `nil` when every run is in range.
    ///
    /// - Complexity: O(runs × servers).
    public var firstProblem: String? {
        for (index, run) in runs.enumerated() {
            if let problem = run.firstProblem { return "run \(index + 1) (\(run.selector)): \(problem)" }
        }
        return nil
    }
}

extension RunResult {
    /// The first field outside what the harness writes, or `nil`.
    ///
    /// - Complexity: O(servers).
    var firstProblem: String? {
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("servers", servers, RunConfiguration.Limits.servers),
            ("threads", threads, RunConfiguration.Limits.threads),
            ("concurrency", concurrency, RunConfiguration.Limits.concurrency),
            ("picks", picks, 0...Int.max),
            ("leakedConnections", leakedConnections, 0...Int.max),
            ("unservedPicks", unservedPicks, 0...Int.max),
            ("workersOverlapped", workersOverlapped, 0...max(threads, 0)),
            ("loadSamples", loadSamples, 0...Int.max),
        ]
        for (field, value, range) in counts where !range.contains(value) {
            return "\(field) \(value) is out of range \(range.lowerBound)...\(range.upperBound)"
        }
        if weights.count != servers { return "\(weights.count) weights for \(servers) servers" }
        if let weight = weights.first(where: { $0 < 0 }) { return "weight \(weight) is negative" }
        let rates: [(String, Double)] = [("seconds", seconds), ("picksPerSecond", picksPerSecond), ("cpuParallelism", cpuParallelism)]
        for (field, value) in rates where !(value >= 0 && value.isFinite) {
            return "\(field) \(value) is not a finite number ≥ 0"
        }
        return nil
    }
}
