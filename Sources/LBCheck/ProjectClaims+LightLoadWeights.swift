import LBHarness
import LBWorkloads
import LoadBalancing

/// Claim 7: weights count at light load too. With one connection in flight every score is 0,
/// and with fewer connections than servers the idle servers all score 0, so only the tie rule
/// (`ReferenceLeastConnections`: virtual time advanced by `1 / weight` per pick) can make the
/// picks follow the weights; a rule that ignores weight gives 25% each over weights 1,2,3,4.
extension ProjectClaims {
    /// The light-load cells: `uniform`, weights 1,2,3,4, one thread, both locks, with one
    /// connection in flight and with two (fewer than the four servers, and no weight share
    /// above 1/2, the most one server can take when it holds one of two connections).
    static let lightLoadConcurrencies = [1, 2]

    /// One `uniform` cell per exact selector, lock and light-load concurrency.
    func lightLoadWeightCells() throws -> [RunResult] {
        try Self.lightLoadConcurrencies.flatMap { concurrency in
            try cells(
                workload: .uniform, kinds: Self.exactKinds, threads: [1], weights: Self.shareWeights,
                locks: LockKind.allCases, concurrency: concurrency)
        }
    }

    /// One verdict per exact selector and concurrency, covering both locks.
    func lightLoadWeightClaims(_ runs: [RunResult]) -> [ClaimVerdict] {
        Self.lightLoadConcurrencies.flatMap { concurrency in
            Self.exactKinds.map { kind in
                let cells = runs.filter { $0.selector == kind && $0.concurrency == concurrency }
                let worst = largestWeightShareGap(cells, weights: Self.shareWeights)
                let inFlight = concurrency == 1
                    ? "one connection in flight"
                    : "\(concurrency) connections in flight on \(Self.shareWeights.count) servers"
                return ClaimVerdict(
                    id: "7",
                    claim: "\(kind) with weights 1,2,3,4 and \(inFlight) (uniform durations): every server's share "
                        + "of picks within 2% (relative) of its weight share",
                    measured: "largest gap \(worst.description)",
                    passed: worst.gap <= 0.02,
                    spread: worst.spread)
            }
        }
    }
}
