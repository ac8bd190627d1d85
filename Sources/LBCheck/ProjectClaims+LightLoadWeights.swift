import LBHarness
import LBWorkloads
import LoadBalancing

/// Claim 7: weights count at light load too. With one connection in flight every score is 0,
/// and with fewer connections than servers the idle servers all score 0, so only the tie rule
/// (`ReferenceLeastConnections`: virtual time advanced by `1 / weight` per pick) can make the
/// picks follow the weights; a rule that ignores weight gives 25% each over weights 1,2,3,4.
/// Repeated weights (1,2,3,4 twice) with several connections in flight check that a busy
/// server does not cost its weight class its turns (per-server class clocks gave the weight-4
/// servers 18.4% instead of 20% with two in flight).
extension ProjectClaims {
    /// The light-load cells: `uniform`, one thread, both locks: weights 1,2,3,4 with one
    /// connection in flight and with two (fewer than the four servers, and no weight share
    /// above 1/2, the most one server can take when it holds one of two connections), and
    /// weights 1,2,3,4,1,2,3,4 with two and with three.
    static let lightLoadCases: [(weights: [Int], concurrency: Int)] = [
        (shareWeights, 1), (shareWeights, 2), (shareWeights + shareWeights, 2), (shareWeights + shareWeights, 3),
    ]

    /// One `uniform` cell per exact selector, lock and light-load case.
    func lightLoadWeightCells() throws -> [RunResult] {
        try Self.lightLoadCases.flatMap { lightLoad in
            try cells(
                workload: .uniform, kinds: Self.exactKinds, threads: [1], weights: lightLoad.weights,
                locks: LockKind.allCases, concurrency: lightLoad.concurrency)
        }
    }

    /// One verdict per exact selector and light-load case, covering both locks.
    func lightLoadWeightClaims(_ runs: [RunResult]) -> [ClaimVerdict] {
        Self.lightLoadCases.flatMap { lightLoad in
            Self.exactKinds.map { kind in
                let (weights, concurrency) = lightLoad
                let cells = runs.filter {
                    $0.selector == kind && $0.concurrency == concurrency && $0.weights == weights
                }
                let worst = largestWeightShareGap(cells, weights: weights)
                let inFlight = concurrency == 1
                    ? "one connection in flight"
                    : "\(concurrency) connections in flight on \(weights.count) servers"
                let weightList = weights.map(String.init).joined(separator: ",")
                return ClaimVerdict(
                    id: "7",
                    claim: "\(kind) with weights \(weightList) and \(inFlight) (uniform durations): every server's share "
                        + "of picks within \(Self.weightShareToleranceText) (relative) of its weight share",
                    measured: "largest gap \(worst.description)",
                    passed: worst.percent <= Self.weightShareTolerancePercent,
                    spread: worst.spread)
            }
        }
    }
}
