import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

extension ProjectClaims {
    /// The `jainLoad` claim 8 asks of `partitioned` (issue 10's target; measured 0.998–1.000
    /// on 1 to 4 threads at 64 servers).
    static let partitionedJainFloor = 0.99

    /// Claim 8, per thread count: under `mixed`, the scalable nearly exact selector
    /// (`partitioned`) has `jainLoad` at least `partitionedJainFloor` and above `p2c`'s, the
    /// scalable approximate one.
    func partitionedFairnessClaims(_ mixed: [RunResult]) -> [ClaimVerdict] {
        let threadCounts = Array(Set(mixed.map(\.threads))).sorted()
        return threadCounts.map { threads in
            let cells = mixed.filter { $0.threads == threads }
            guard let partitioned = cells.first(where: { $0.selector == .partitioned }),
                  let p2c = cells.first(where: { $0.selector == .p2c })
            else { preconditionFailure("the mixed cells must include partitioned and p2c") }
            let jain = { (run: RunResult) in
                BoundedFigure.fixed(run.fairness.jainLoad, decimals: 3, against: Self.partitionedJainFloor)
            }
            return ClaimVerdict(
                id: "8",
                claim: "mixed, \(servers) servers, \(threads == 1 ? "1 thread" : "\(threads) threads"): "
                    + "partitioned's jainLoad at least \(Self.partitionedJainFloor) and above p2c's",
                measured: "partitioned \(jain(partitioned)), p2c \(jain(p2c))",
                passed: partitioned.fairness.jainLoad >= Self.partitionedJainFloor
                    && partitioned.fairness.jainLoad > p2c.fairness.jainLoad,
                spread: ClaimSpread(
                    "partitioned's jainLoad − p2c's, one run each",
                    of: [partitioned.fairness.jainLoad - p2c.fairness.jainLoad]))
        }
    }
}
