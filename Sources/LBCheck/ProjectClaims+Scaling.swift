import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

extension ProjectClaims {
    /// What claim 7 asks of flat combining: at 2 threads, at least this fraction of the
    /// selector's own 1-thread throughput (a lock around every operation gave 0.35× for
    /// `buckets` + `mutex` on 2 cores).
    static let combiningScalingFloor = 0.8

    /// The cells of claim 7: every exact policy behind `combining`, on 1 and 2 threads, under
    /// `uniform`.
    func combiningCells() throws -> [RunResult] {
        try cells(workload: .uniform, kinds: Self.exactKinds, threads: [1, 2], locks: [.combining])
    }

    /// Claim 7: each exact policy with the `combining` synchronization does at least
    /// `combiningScalingFloor` × its 1-thread throughput on 2 threads.
    func combiningScalingClaims(_ runs: [RunResult]) -> [ClaimVerdict] {
        let ratios = Self.exactKinds.map { kind -> (String, Double) in
            let cells = runs.filter { $0.selector == kind.rawValue && $0.lock == LockKind.combining.rawValue }
            guard let one = cells.first(where: { $0.threads == 1 }), let two = cells.first(where: { $0.threads == 2 })
            else { preconditionFailure("the combining cells must include 1 and 2 threads for \(kind)") }
            return (kind.rawValue, two.picksPerSecond / one.picksPerSecond)
        }
        let lowest = ratios.min { $0.1 < $1.1 }!
        let floor = Formatting.decimal(Self.combiningScalingFloor, digits: 1)
        return [
            ClaimVerdict(
                id: "7",
                claim: "uniform, \(servers) servers: every exact selector with combining does at least \(floor)× "
                    + "its 1-thread picks/s on 2 threads",
                measured: ratios.map { "\($0.0) \(Formatting.decimal($0.1, digits: 2))×" }.joined(separator: ", "),
                passed: lowest.1 >= Self.combiningScalingFloor),
        ]
    }

    /// Claim 8, per thread count: under `mixed`, the scalable nearly exact selector
    /// (`partitioned`) is fairer than `p2c`, the scalable approximate one.
    func partitionedFairnessClaims(_ mixed: [RunResult]) -> [ClaimVerdict] {
        let threadCounts = Array(Set(mixed.map(\.threads))).sorted()
        return threadCounts.map { threads in
            let cells = mixed.filter { $0.threads == threads }
            guard let partitioned = cells.first(where: { $0.selector == SelectorKind.partitioned.rawValue }),
                  let p2c = cells.first(where: { $0.selector == SelectorKind.p2c.rawValue })
            else { preconditionFailure("the mixed cells must include partitioned and p2c") }
            let jain = { (run: RunResult) in Formatting.decimal(run.fairness.jainLoad, digits: 3) }
            return ClaimVerdict(
                id: "8",
                claim: "mixed, \(servers) servers, \(threads == 1 ? "1 thread" : "\(threads) threads"): "
                    + "partitioned's jainLoad above p2c's",
                measured: "partitioned \(jain(partitioned)), p2c \(jain(p2c))",
                passed: partitioned.fairness.jainLoad > p2c.fairness.jainLoad)
        }
    }
}
