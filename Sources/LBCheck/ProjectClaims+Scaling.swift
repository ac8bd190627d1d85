import LBHarness
import LBReporting
import LBWorkloads
import LoadBalancing

extension ProjectClaims {
    /// What claim 8 asks of flat combining: at 2 threads, at least this fraction of the
    /// selector's own 1-thread throughput (a lock around every operation gave 0.35× for
    /// `buckets` + `mutex` on 2 cores).
    static let combiningScalingFloor = 0.8

    /// The cells of claim 8: every exact policy behind `combining`, on 1 and 2 threads, under
    /// `uniform`.
    func combiningCells() throws -> [RunResult] {
        try cells(workload: .uniform, kinds: Self.exactKinds, threads: [1, 2], locks: [.combining])
    }

    /// Claim 8, measured and, while it fails, re-measured (`remeasuringFailures`): a 2-thread
    /// cell on a machine whose other core is busy is time-sliced, which a real collapse
    /// (0.35× behind a mutex) is not.
    ///
    /// - Returns: every cell measured (for the leak claim) and the verdict.
    func combiningClaims() throws -> (cells: [RunResult], verdicts: [ClaimVerdict]) {
        let (measurements, verdicts) = try remeasuringFailures(
            upTo: maximumMeasurements, measure: { [try combiningCells()] }, pool: { $0 += $1 },
            judge: combiningScalingClaims)
        return (measurements.flatMap(\.self), verdicts)
    }

    /// Claim 8: each exact policy with the `combining` synchronization does at least
    /// `combiningScalingFloor` × its 1-thread throughput on 2 threads. A selector's ratio is its
    /// best over the measurements (preemption by other work only lowers a 2-thread cell).
    ///
    /// - Parameter measurements: one `combiningCells()` result per measurement.
    func combiningScalingClaims(_ measurements: [[RunResult]], count: Int = 1) -> [ClaimVerdict] {
        func ratio(_ kind: SelectorKind, _ runs: [RunResult]) -> Double {
            let cells = runs.filter { $0.selector == kind.rawValue && $0.lock == LockKind.combining.rawValue }
            guard let one = cells.first(where: { $0.threads == 1 }), let two = cells.first(where: { $0.threads == 2 })
            else { preconditionFailure("the combining cells must include 1 and 2 threads for \(kind)") }
            return two.picksPerSecond / one.picksPerSecond
        }
        let perMeasurement = Self.exactKinds.map { kind in (kind, measurements.map { ratio(kind, $0) }) }
        let best = perMeasurement.map { ($0.0.rawValue, $0.1.max()!) }
        let lowest = best.min { $0.1 < $1.1 }!
        let floor = Formatting.decimal(Self.combiningScalingFloor, digits: 1)
        let note = Self.remeasuredNote(count, rounds: measurements.count)
        return [
            ClaimVerdict(
                id: "8",
                claim: "uniform, \(servers) servers: every exact selector with combining does at least \(floor)× "
                    + "its 1-thread picks/s on 2 threads",
                measured: best.map { "\($0.0) \(Formatting.decimal($0.1, digits: 2))×" }.joined(separator: ", ") + note,
                passed: lowest.1 >= Self.combiningScalingFloor,
                spread: ClaimSpread(
                    "2-thread ÷ 1-thread picks/s, per selector and measurement (×)",
                    of: perMeasurement.flatMap(\.1)),
                measurements: count),
        ]
    }

    /// Claim 9, per thread count: under `mixed`, the scalable nearly exact selector
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
                id: "9",
                claim: "mixed, \(servers) servers, \(threads == 1 ? "1 thread" : "\(threads) threads"): "
                    + "partitioned's jainLoad above p2c's",
                measured: "partitioned \(jain(partitioned)), p2c \(jain(p2c))",
                passed: partitioned.fairness.jainLoad > p2c.fairness.jainLoad)
        }
    }
}
