import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

extension ProjectClaims {
    /// The weights of claim 5, and the connections in flight: a multiple of their sum, so
    /// exactly proportional counts exist.
    static let shareWeights = [1, 2, 3, 4]
    static let shareConcurrency = 1_000

    /// The `uniform` cells of claim 4: every selector on one thread, `uniformRepetitions`
    /// times, repetitions interleaved so that a noisy moment hits every selector alike.
    func uniformCells() throws -> [[RunResult]] {
        try (0..<uniformRepetitions).map { _ in
            try cells(workload: .uniform, kinds: SelectorKind.allCases, threads: [1])
        }
    }

    /// The cells of claim 5: each exact selector with each lock.
    func weightedCells() throws -> [RunResult] {
        try cells(
            workload: .uniform, kinds: Self.exactKinds, threads: [1], weights: Self.shareWeights,
            locks: LockKind.allCases, concurrency: Self.shareConcurrency)
    }

    /// Claim 3, per thread count: the least-connections selectors against round robin under
    /// `mixed`, and `p2c` between them.
    func mixedFairnessClaims(_ runs: [RunResult]) -> [ClaimVerdict] {
        let threadCounts = Array(Set(runs.map(\.threads))).sorted()
        return threadCounts.flatMap { threads -> [ClaimVerdict] in
            let cells = runs.filter { $0.threads == threads }
            let threadsText = threads == 1 ? "1 thread" : "\(threads) threads"
            guard let roundRobin = cells.first(where: { $0.selector == SelectorKind.roundRobin.rawValue }),
                  let p2c = cells.first(where: { $0.selector == SelectorKind.p2c.rawValue })
            else { preconditionFailure("the mixed cells must include round-robin and p2c") }
            let scanning = cells.filter { $0.selector != roundRobin.selector && $0.selector != p2c.selector }
            let exact = cells.filter { run in Self.exactKinds.contains { $0.rawValue == run.selector } }
            let lowest = scanning.min { $0.fairness.jainLoad < $1.fairness.jainLoad }!
            let lowestExact = exact.min { $0.fairness.jainLoad < $1.fairness.jainLoad }!
            let rr = roundRobin.fairness.jainLoad, p = p2c.fairness.jainLoad
            return [
                ClaimVerdict(
                    id: "3",
                    claim: "mixed, \(servers) servers, \(threadsText): every least-connections selector's jainLoad "
                        + "at least \(Formatting.decimal(jainMargin, digits: 2)) above round robin's",
                    measured: "round-robin \(jain(rr)); lowest of the others (p2c aside): \(lowest.selector) "
                        + "\(jain(lowest.fairness.jainLoad)) (+\(jain(lowest.fairness.jainLoad - rr)))",
                    passed: lowest.fairness.jainLoad - rr >= jainMargin),
                ClaimVerdict(
                    id: "3",
                    claim: "mixed, \(servers) servers, \(threadsText): p2c's jainLoad between round robin's and "
                        + "every exact selector's",
                    measured: "round-robin \(jain(rr)) < p2c \(jain(p)) < \(lowestExact.selector) \(jain(lowestExact.fairness.jainLoad))",
                    passed: rr < p && p < lowestExact.fairness.jainLoad),
            ]
        }
    }

    /// Claim 4: round robin's pick is the cheapest, and its `jainLoad` no worse than the exact
    /// selectors' (within 0.01, sampling noise), under `uniform`.
    func uniformCostClaims(_ repetitions: [[RunResult]]) -> [ClaimVerdict] {
        let kinds = SelectorKind.allCases.map(\.rawValue)
        func median(_ selector: String, _ figure: (RunResult) -> Double) -> Double {
            let values = repetitions.compactMap { $0.first { $0.selector == selector } }.map(figure).sorted()
            return values[values.count / 2]
        }
        let meanPick = Dictionary(uniqueKeysWithValues: kinds.map { ($0, median($0) { $0.pickLatencyNs.mean }) })
        let jainLoad = Dictionary(uniqueKeysWithValues: kinds.map { ($0, median($0) { $0.fairness.jainLoad }) })
        let rr = SelectorKind.roundRobin.rawValue
        let others = Self.leastConnectionsKinds.map(\.rawValue)
        let cheapest = others.min { meanPick[$0]! < meanPick[$1]! }!
        let exact = Self.exactKinds.map(\.rawValue)
        let leastFairExact = exact.min { jainLoad[$0]! < jainLoad[$1]! }!
        return [
            ClaimVerdict(
                id: "4",
                claim: "uniform, \(servers) servers, 1 thread: round robin's mean pick latency below every "
                    + "least-connections selector's (median of \(repetitions.count) runs)",
                measured: "round-robin \(nanoseconds(meanPick[rr]!)); cheapest other: \(cheapest) "
                    + "\(nanoseconds(meanPick[cheapest]!)) (\(Formatting.decimal(meanPick[cheapest]! / meanPick[rr]!, digits: 2))×)",
                passed: meanPick[rr]! < meanPick[cheapest]!),
            ClaimVerdict(
                id: "4",
                claim: "uniform, \(servers) servers, 1 thread: round robin's jainLoad no worse than the exact "
                    + "selectors' (within 0.01)",
                measured: "round-robin \(jain(jainLoad[rr]!)); least fair exact: \(leastFairExact) "
                    + "\(jain(jainLoad[leastFairExact]!))",
                passed: jainLoad[rr]! >= jainLoad[leastFairExact]! - 0.01),
        ]
    }

    /// Claim 5: one verdict per exact selector, covering both locks: the largest relative gap
    /// between a server's share of picks and its share of the weight.
    func weightShareClaims(_ runs: [RunResult]) -> [ClaimVerdict] {
        Self.exactKinds.map { kind in
            let worst = largestWeightShareGap(runs.filter { $0.selector == kind.rawValue }, weights: Self.shareWeights)
            return ClaimVerdict(
                id: "5",
                claim: "\(kind) with weights 1,2,3,4, uniform durations: every server's share of picks within "
                    + "2% (relative) of its weight share",
                measured: "largest gap \(worst.description)",
                passed: worst.gap <= 0.02)
        }
    }

    /// Over `runs` (all with `weights`), the largest relative gap between a server's share of
    /// picks and its share of the weight, with the cell and server it was found in.
    func largestWeightShareGap(_ runs: [RunResult], weights: [Int]) -> (gap: Double, description: String) {
        let totalWeight = Double(weights.reduce(0, +))
        var worst = 0.0
        var worstText = ""
        for run in runs {
            let picks = run.perServer.picks
            let total = Double(picks.reduce(0, +))
            for (server, weight) in weights.enumerated() {
                let share = Double(picks[server]) / total
                let expected = Double(weight) / totalWeight
                let gap = abs(share - expected) / expected
                if gap >= worst {
                    worst = gap
                    worstText = "\(run.lock ?? "—"), weight \(weight): \(percent(share)) of picks vs \(percent(expected))"
                }
            }
        }
        return (worst, "\(percent(worst)) (\(worstText))")
    }

    /// Claim 6: no cell leaked a connection or failed to serve a pick.
    func leakClaim(_ runs: [RunResult]) -> ClaimVerdict {
        let leaked = runs.reduce(0) { $0 + $1.leakedConnections }
        let unserved = runs.reduce(0) { $0 + $1.unservedPicks }
        return ClaimVerdict(
            id: "6",
            claim: "every active count back to 0 after every harness cell (leakedConnections 0), no pick unserved",
            measured: "\(runs.count) cells: \(leaked) leaked, \(unserved) unserved",
            passed: leaked == 0 && unserved == 0)
    }

    private func jain(_ value: Double) -> String { Formatting.decimal(value, digits: 3) }
    private func nanoseconds(_ value: Double) -> String { "\(Formatting.decimal(value, digits: 1)) ns" }
    private func percent(_ fraction: Double) -> String { "\(Formatting.decimal(fraction * 100, digits: 2))%" }
}
