import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

extension ProjectClaims {
    /// Claim 8, per thread count: under `mixed`, the scalable nearly exact selector
    /// (`partitioned`) is fairer than `p2c`, the scalable approximate one.
    func partitionedFairnessClaims(_ mixed: [RunResult]) -> [ClaimVerdict] {
        let threadCounts = Array(Set(mixed.map(\.threads))).sorted()
        return threadCounts.map { threads in
            let cells = mixed.filter { $0.threads == threads }
            guard let partitioned = cells.first(where: { $0.selector == SelectorKind.partitioned.rawValue }),
                  let p2c = cells.first(where: { $0.selector == SelectorKind.p2c.rawValue })
            else { preconditionFailure("the mixed cells must include partitioned and p2c") }
            let jain = { (run: RunResult) in NumberFormat.fixed(run.fairness.jainLoad, decimals: 3) }
            return ClaimVerdict(
                id: "8",
                claim: "mixed, \(servers) servers, \(threads == 1 ? "1 thread" : "\(threads) threads"): "
                    + "partitioned's jainLoad above p2c's",
                measured: "partitioned \(jain(partitioned)), p2c \(jain(p2c))",
                passed: partitioned.fairness.jainLoad > p2c.fairness.jainLoad,
                spread: ClaimSpread(
                    "partitioned's jainLoad − p2c's, one run each",
                    of: [partitioned.fairness.jainLoad - p2c.fairness.jainLoad]))
        }
    }
}
