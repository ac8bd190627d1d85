import LBWorkloads
import LoadBalancing

/// What one cell measured: one element of `runs` in the results JSON (`lbbench.results/1`).
///
/// Field names are the contract in `docs/formats.md` ("`lbbench.results/1`"); fields may be added, never renamed without
/// a schema bump. Optional fields are written as `null`, never left out.
public struct RunResult: Codable, Sendable, Equatable {
    /// The selector; written as its command-line name.
    public var selector: SelectorKind
    /// The lock of a lock-based selector; `null` for lock-free ones. Written as its name.
    public var lock: LockKind?
    /// The workload; written as its name.
    public var workload: Workload
    public var servers: Int
    public var threads: Int
    /// Connections in flight, all workers together.
    public var concurrency: Int
    public var weights: [Int]
    public var seed: UInt64
    /// Measured picks (fills before the start are not counted).
    public var picks: Int
    /// Wall-clock seconds of the measured part, first worker start to last worker end, over
    /// the workers that made measured picks (one that found the budget spent takes no part).
    public var seconds: Double
    /// `picks / seconds`: whole event-loop steps per second across all threads (release,
    /// pick, duration draw, heap update and three timer reads), not the selector alone.
    public var picksPerSecond: Double
    /// This cell's `picksPerSecond` over the same cell's with one thread; `null` when the run
    /// has no one-thread cell to compare with (or its ratio leaves `scalingRange`).
    public var scalingVsOneThread: Double?
    /// The values `scalingVsOneThread` may take: what a document's reader accepts and what
    /// `ResultsDocument.computeScaling()` writes.
    public static let scalingRange: ClosedRange<Double> = 0...1e6
    /// Raw pick latency, each including about one timer read (`machine.timerOverheadNs`).
    public var pickLatencyNs: LatencySummary
    /// Raw release latency, each including about one timer read.
    public var releaseLatencyNs: LatencySummary
    public var contention: ContentionFigures
    public var fairness: FairnessFigures
    public var perServer: PerServerFigures
    /// Active connections left after every connection the workers held was released, summed
    /// over servers as absolute values (a negative count is a fault too): must be 0.
    public var leakedConnections: Int
    /// Picks that returned no server although one had weight > 0: must be 0.
    public var unservedPicks: Int
    /// The most workers seen running their measured loop at once; below `threads` means the
    /// workers did not all overlap and contention is understated.
    public var workersOverlapped: Int
    /// The CPU time of the workers that made measured picks, in the measured part, over its
    /// wall time (`seconds`): how many workers really ran at once. Near `threads` on an idle machine; lower when the machine time-sliced them
    /// (then contention is understated).
    public var cpuParallelism: Double
    /// Where the workers' measured time went off the CPU: waiting for a core (a busy machine)
    /// or asleep by their own choice (a lock's waits); `null` without scheduler statistics
    /// (not Linux, or results written before the field existed).
    public var scheduling: SchedulingFigures?
    /// Load snapshots taken (by worker 0, outside the timed calls).
    public var loadSamples: Int
    /// Worker 0's steps between load snapshots.
    public var loadSampleInterval: Int
    /// The machine this cell ran on, when a report merges runs from several machines
    /// (`lbbench report --allow-mixed-machines`); `null` otherwise (the document's `machine`).
    public var machine: MachineContext?

    public init(
        selector: SelectorKind, lock: LockKind?, workload: Workload, servers: Int, threads: Int, concurrency: Int,
        weights: [Int], seed: UInt64, picks: Int, seconds: Double, picksPerSecond: Double,
        scalingVsOneThread: Double?, pickLatencyNs: LatencySummary, releaseLatencyNs: LatencySummary,
        contention: ContentionFigures, fairness: FairnessFigures, perServer: PerServerFigures,
        leakedConnections: Int, unservedPicks: Int, workersOverlapped: Int, cpuParallelism: Double,
        loadSamples: Int, loadSampleInterval: Int, scheduling: SchedulingFigures? = nil,
        machine: MachineContext? = nil
    ) {
        self.selector = selector
        self.lock = lock
        self.workload = workload
        self.servers = servers
        self.threads = threads
        self.concurrency = concurrency
        self.weights = weights
        self.seed = seed
        self.picks = picks
        self.seconds = seconds
        self.picksPerSecond = picksPerSecond
        self.scalingVsOneThread = scalingVsOneThread
        self.pickLatencyNs = pickLatencyNs
        self.releaseLatencyNs = releaseLatencyNs
        self.contention = contention
        self.fairness = fairness
        self.perServer = perServer
        self.leakedConnections = leakedConnections
        self.unservedPicks = unservedPicks
        self.workersOverlapped = workersOverlapped
        self.cpuParallelism = cpuParallelism
        self.scheduling = scheduling
        self.loadSamples = loadSamples
        self.loadSampleInterval = loadSampleInterval
        self.machine = machine
    }

    /// The order of a report's rows: by workload, selector (catalogue order), lock, servers,
    /// threads, as `MatrixConfiguration.cells()` produces them; then by machine, so a merged
    /// report shows one cell's machines next to each other.
    public static func reportOrder(_ a: RunResult, _ b: RunResult) -> Bool {
        func rank(_ run: RunResult) -> (Int, Int, Int, Int, Int, String) {
            (Workload.allCases.firstIndex(of: run.workload) ?? Int.max,
             SelectorKind.allCases.firstIndex(of: run.selector) ?? Int.max,
             run.lock.map { LockKind.allCases.firstIndex(of: $0) ?? Int.max } ?? -1, run.servers, run.threads, run.machine.map { "\($0.cpu)|\($0.cores)|\($0.os)|\($0.date)" } ?? "")
        }
        return rank(a) < rank(b)
    }

    /// The row name: `linear-scan+mutex/uniform/servers:64/threads:2`.
    public var name: String {
        Self.rowName(selector: selector, lock: lock, workload: workload, servers: servers, threads: threads)
    }

    /// The one place a row name is built (results, progress lines, comparisons):
    /// `linear-scan+mutex/uniform/servers:64/threads:2`.
    public static func rowName(
        selector: SelectorKind, lock: LockKind?, workload: Workload, servers: Int, threads: Int
    ) -> String {
        "\(selectorName(selector, lock: lock))/\(workload)/servers:\(servers)/threads:\(threads)"
    }

    /// A selector as rows and tables name it: `linear-scan+mutex`, or `p2c` without a lock.
    public static func selectorName(_ selector: SelectorKind, lock: LockKind?) -> String {
        lock.map { "\(selector)+\($0)" } ?? selector.rawValue
    }

    /// Writes `lock`, `scalingVsOneThread` and `scheduling` as `null` when absent, so every run carries
    /// every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(selector, forKey: .selector)
        try container.encode(lock, forKey: .lock)
        try container.encode(workload, forKey: .workload)
        try container.encode(servers, forKey: .servers)
        try container.encode(threads, forKey: .threads)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(weights, forKey: .weights)
        try container.encode(seed, forKey: .seed)
        try container.encode(picks, forKey: .picks)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(picksPerSecond, forKey: .picksPerSecond)
        try container.encode(scalingVsOneThread, forKey: .scalingVsOneThread)
        try container.encode(pickLatencyNs, forKey: .pickLatencyNs)
        try container.encode(releaseLatencyNs, forKey: .releaseLatencyNs)
        try container.encode(contention, forKey: .contention)
        try container.encode(fairness, forKey: .fairness)
        try container.encode(perServer, forKey: .perServer)
        try container.encode(leakedConnections, forKey: .leakedConnections)
        try container.encode(unservedPicks, forKey: .unservedPicks)
        try container.encode(workersOverlapped, forKey: .workersOverlapped)
        try container.encode(cpuParallelism, forKey: .cpuParallelism)
        try container.encode(scheduling, forKey: .scheduling)
        try container.encode(loadSamples, forKey: .loadSamples)
        try container.encode(loadSampleInterval, forKey: .loadSampleInterval)
        try container.encode(machine, forKey: .machine)
    }
}

/// How evenly the cell spread work, drained servers left out (see `Fairness`).
public struct FairnessFigures: Codable, Sendable, Equatable {
    /// Jain's index of per-server measured picks divided by weight.
    public var jainAssignments: Double
    /// Mean over load snapshots of Jain's index of weight-normalised active counts.
    public var jainLoad: Double
    /// Mean over load snapshots of max / mean of weight-normalised active counts.
    public var peakToMeanLoad: Double

    public init(jainAssignments: Double, jainLoad: Double, peakToMeanLoad: Double) {
        self.jainAssignments = jainAssignments
        self.jainLoad = jainLoad
        self.peakToMeanLoad = peakToMeanLoad
    }
}

/// Per-server figures, indexed by server, drained servers included.
public struct PerServerFigures: Codable, Sendable, Equatable {
    /// Measured picks of each server.
    public var picks: [Int]
    /// Each server's mean active connections over the load snapshots.
    public var meanActive: [Double]

    public init(picks: [Int], meanActive: [Double]) {
        self.picks = picks
        self.meanActive = meanActive
    }
}
