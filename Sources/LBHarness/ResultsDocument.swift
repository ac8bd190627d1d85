import LBWorkloads
import LoadBalancing

/// A whole results file: `{"schema": "lbbench.results/1", "machine": {...}, "runs": [...]}`.
public struct ResultsDocument: Codable, Sendable, Equatable {
    /// The schema this harness writes.
    public static let currentSchema = "lbbench.results/1"

    public var schema: String
    public var machine: MachineContext
    /// How long each cell ran, in words: "400,000 picks per cell (all threads together)".
    public var length: String
    public var runs: [RunResult]

    public init(machine: MachineContext, length: String, runs: [RunResult]) {
        schema = Self.currentSchema
        self.machine = machine
        self.length = length
        self.runs = runs
    }

    /// Connections leaked over every run: anything but 0 is a selector bug.
    public var leakedConnections: Int { runs.reduce(0) { $0 + $1.leakedConnections } }

    /// Whether a selector lost count of its connections: one leaked, or a pick got no server
    /// while one had weight > 0. `lbbench run` then exits 70 (after writing the report).
    ///
    /// - Complexity: O(runs).
    public var selectorFailed: Bool {
        leakedConnections > 0 || runs.contains { $0.unservedPicks > 0 }
    }

    /// One line for each result that must not be ignored: leaked connections, unserved picks,
    /// workers that did not all overlap. Empty when the run is clean.
    public var problems: [String] {
        runs.flatMap { run -> [String] in
            var lines: [String] = []
            if run.leakedConnections != 0 {
                lines.append("\(run.name): LEAKED \(run.leakedConnections) connections (active counts not 0 after every release)")
            }
            if run.unservedPicks != 0 {
                lines.append("\(run.name): \(run.unservedPicks) picks returned no server although a server had weight > 0")
            }
            if run.workersOverlapped < run.threads {
                lines.append("\(run.name): only \(run.workersOverlapped) of \(run.threads) workers ran at once; contention is understated")
            }
            return lines
        }
    }

    /// Multi-threaded runs whose workers the machine time-sliced: they were preempted and waited
    /// for cores they could have used (`OnCPUDiagnosis.isBusyMachine`), so their contention
    /// and scaling are understated. Workers asleep on a lock are not counted here.
    public var timeSlicedRuns: [RunResult] {
        runs.filter { $0.threads > 1 && OnCPUDiagnosis.isBusyMachine($0, cores: machine.cores) }
    }

    /// Multi-threaded runs whose workers slept voluntarily (a lock's waits) for more than a
    /// tenth of their time (`OnCPUDiagnosis.isLockSleeping`).
    public var lockSleepRuns: [RunResult] {
        runs.filter { $0.threads > 1 && OnCPUDiagnosis.isLockSleeping($0) }
    }

    /// Fills each run's `scalingVsOneThread` from the first run with the same selector, lock,
    /// workload, weights and concurrency on one thread (and machine), where there is one; `nil`
    /// where that run's picks/s is 0 or the ratio leaves `RunResult.scalingRange` (a document
    /// read back from a file can hold figures no run measures, such as 1e-300 picks/s, whose
    /// ratio would not even be finite).
    ///
    /// - Complexity: O(runs × servers) expected (one hash of the weights per run), not O(runs²).
    public mutating func computeScaling() {
        struct Key: Hashable {
            var selector: SelectorKind, lock: LockKind?, workload: Workload, weights: [Int], concurrency: Int
            var machine: MachineContext?
            init(_ run: RunResult) {
                (selector, lock, workload, weights, concurrency, machine) =
                    (run.selector, run.lock, run.workload, run.weights, run.concurrency, run.machine)
            }
        }
        var singleThreaded: [Key: Double] = [:]
        for run in runs where run.threads == 1 {
            let key = Key(run)
            if singleThreaded[key] == nil { singleThreaded[key] = run.picksPerSecond }
        }
        for index in runs.indices {
            let single = singleThreaded[Key(runs[index])]
            runs[index].scalingVsOneThread = single.flatMap { single in
                let scaling = runs[index].picksPerSecond / single
                return single > 0 && RunResult.scalingRange.contains(scaling) ? scaling : nil
            }
        }
    }
}
