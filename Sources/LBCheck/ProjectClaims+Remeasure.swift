extension ProjectClaims {
    /// Measures, judges, and while a claim fails re-measures — adding the new rounds to the
    /// earlier ones — up to `limit` measurements in all, so that a burst of noise on a
    /// shared machine gets further chances to be outweighed while a real regression, which
    /// slows every round, still fails every time. A claim that held keeps its first verdict;
    /// a failing one takes its verdict on all rounds so far.
    ///
    /// - Parameters:
    ///   - limit: the most measurements.
    ///   - measure: one measurement (rounds of the claims' figures).
    ///   - pool: adds a later measurement's rounds to the earlier ones.
    ///   - judge: the verdicts on all rounds so far, given how many measurements they came
    ///     from; always the same claims in the same order.
    /// - Returns: every round measured and the final verdicts.
    func remeasuringFailures<Samples>(
        upTo limit: Int, measure: () throws -> Samples, pool: (inout Samples, Samples) -> Void,
        judge: (Samples, Int) -> [ClaimVerdict]
    ) rethrows -> (samples: Samples, verdicts: [ClaimVerdict]) {
        var samples = try measure()
        var measurements = 1
        var verdicts = judge(samples, measurements)
        while measurements < limit, verdicts.contains(where: { !$0.passed }) {
            pool(&samples, try measure())
            measurements += 1
            let remeasured = judge(samples, measurements)
            precondition(remeasured.count == verdicts.count, "judge returned other claims")
            for index in verdicts.indices where !verdicts[index].passed { verdicts[index] = remeasured[index] }
        }
        return (samples, verdicts)
    }

    /// For a measured figure: "", or " — failed, re-measured: 3 measurements, 45 rounds in all".
    static func remeasuredNote(_ measurements: Int, rounds: Int) -> String {
        measurements == 1 ? "" : " — failed, re-measured: \(measurements) measurements, \(rounds) rounds in all"
    }
}
