/// What a results file may hold: the counts the harness writes are in the ranges it can
/// produce, so that `report` and `compare` never render or compare a cell that no run made
/// (a farm of -5 servers, weights for a different farm, a negative rate).
extension ResultsDocument {
    /// The first field of a run outside what the harness writes, in words naming the run and
    /// the field; `nil` when every run is in range.
    ///
    /// - Complexity: O(runs × servers).
    public var firstProblem: String? {
        if runs.isEmpty { return "it holds no runs" }
        if let problem = MachineContext.textProblem("length", length) { return problem }
        if let problem = machine.firstProblem { return "machine: \(problem)" }
        for (index, run) in runs.enumerated() {
            if let problem = run.firstProblem { return "run \(index + 1) (\(run.selector)): \(problem)" }
        }
        return nil
    }
}

extension MachineContext {
    /// The first field outside what `MachineContext.current()` writes, or `nil`.
    var firstProblem: String? {
        if cores < 1 { return "cores \(cores) is below 1" }
        if !(timerOverheadNs >= 0 && timerOverheadNs <= 1e9) { return "timerOverheadNs \(timerOverheadNs) is out of range 0...1e9" }
        for (field, text) in [("cpu", cpu), ("os", os), ("swift", swift), ("build", build), ("date", date), ("timer", timer)] {
            if let problem = Self.textProblem(field, text) { return problem }
        }
        return nil
    }

    /// Why `text`, the results file's `field`, is not text `current()` or the harness writes,
    /// or `nil`: the reports copy it into Markdown lines and CSV comments and fields, where a
    /// line break, a control character or a double quote would forge lines or columns, and a
    /// leading `=`, `+`, `-` or `@` makes a spreadsheet formula.
    ///
    /// - Complexity: O(length of `text`).
    static func textProblem(_ field: String, _ text: String) -> String? {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\"" }) {
            return "\(field) holds a line break, a control character or a double quote"
        }
        if let first = text.first, "=+-@".contains(first) {
            return "\(field) begins with '\(first)', which a spreadsheet reads as a formula"
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
            ("loadSampleInterval", loadSampleInterval, 1...Int.max),
        ]
        for (field, value, range) in counts where !range.contains(value) {
            return "\(field) \(value) is out of range \(range.lowerBound)...\(range.upperBound)"
        }
        if let problem = machine?.firstProblem { return "machine: \(problem)" }
        if weights.count != servers { return "\(weights.count) weights for \(servers) servers" }
        if let weight = weights.first(where: { $0 < 0 }) { return "weight \(weight) is negative" }
        if !weights.contains(where: { $0 > 0 }) { return "every server is drained (weight 0)" }
        // Per-server arrays: one entry per server, or none (a report that dropped them).
        for (field, count) in [("perServer.picks", perServer.picks.count), ("perServer.meanActive", perServer.meanActive.count)]
        where count != 0 && count != servers {
            return "\(field) has \(count) entries for \(servers) servers"
        }
        if let negative = perServer.picks.first(where: { $0 < 0 }) { return "perServer.picks holds \(negative)" }
        var figures: [(String, Double, ClosedRange<Double>)] = [
            ("seconds", seconds, 0...1e7), ("picksPerSecond", picksPerSecond, 0...1e12),
            ("cpuParallelism", cpuParallelism, 0...Double(RunConfiguration.Limits.maximumThreads)),
            ("fairness.jainAssignments", fairness.jainAssignments, 0...1), ("fairness.jainLoad", fairness.jainLoad, 0...1),
            ("fairness.peakToMeanLoad", fairness.peakToMeanLoad, 0...1e9),
            ("pickLatencyNs.mean", pickLatencyNs.mean, 0...1e12), ("releaseLatencyNs.mean", releaseLatencyNs.mean, 0...1e12),
        ]
        let optionalFigures: [(String, Double?, ClosedRange<Double>)] = [
            ("scalingVsOneThread", scalingVsOneThread, RunResult.scalingRange),
            ("contention.lockContendedFraction", contention.lockContendedFraction, 0...1),
            ("contention.lockWaitNsPerPick", contention.lockWaitNsPerPick, 0...1e12),
            ("contention.casRetriesPerPick", contention.casRetriesPerPick, 0...1e12),
        ]
        figures += optionalFigures.compactMap { field, value, range in value.map { (field, $0, range) } }
        figures += perServer.meanActive.map { ("perServer.meanActive", $0, 0...Double(RunConfiguration.Limits.concurrency.upperBound)) }
        if let scheduling {
            figures += [("scheduling.runQueueWait", scheduling.runQueueWait, 0...1e6),
                        ("scheduling.voluntarySleep", scheduling.voluntarySleep, -1e6...1e6)]
            if scheduling.voluntaryContextSwitches < 0 || scheduling.involuntaryContextSwitches < 0 {
                return "scheduling's context switches are negative"
            }
        }
        for (field, value, range) in figures where !(range.contains(value)) {
            return "\(field) \(value) is out of range \(OptionRange.describe(range))"
        }
        return nil
    }
}
