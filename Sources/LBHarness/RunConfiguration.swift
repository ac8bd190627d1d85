import LBReporting
import LBWorkloads
import LoadBalancing

/// One cell of a run: one selector (and lock) under one workload, on one farm, driven by a
/// fixed number of threads.
///
/// Build cells with `MatrixConfiguration.cells()`, which fills in workload defaults and
/// validates; `validate()` checks a hand-built cell the same way.
///
/// - Note: A value; safe to share between threads.
public struct RunConfiguration: Sendable, Equatable {
    /// The harness's own limits, chosen so that bad input fails fast instead of exhausting
    /// memory (every limit is far beyond what a real balancer process holds).
    public enum Limits {
        /// Threads: every worker occupies one thread of Dispatch's pool while it waits at the
        /// start gate, and on Linux that pool stops at 255 threads (256 workers were seen to
        /// hang there); 128 leaves the rest of the process room.
        public static let maximumThreads = 128
        /// Servers: the harness keeps per-server tallies per worker.
        public static let maximumServers = 1 << 24
        /// Connections in flight: 16 bytes each in the workers' heaps.
        public static let maximumConcurrency = 1 << 26
        /// The real cap on `--concurrency`: the harness's, and never more than a selector can
        /// count on one server.
        public static let concurrency = 1...min(maximumConcurrency, SelectorLimits.maximumActiveConnections)
        /// `--threads`.
        public static let threads = 1...maximumThreads
        /// `--servers`.
        public static let servers = 1...maximumServers
        /// `--servers`, `--threads` and `--concurrency` with their reasons: every path checks
        /// them through these.
        public static let serversOption = IntegerOption(
            name: "--servers", range: servers, reason: "the harness keeps per-server tallies in every worker")
        public static let threadsOption = IntegerOption(
            name: "--threads", range: threads, reason: "each worker holds one of Dispatch's at most 255 pool threads")
        public static let concurrencyOption = IntegerOption(
            name: "--concurrency", range: concurrency,
            reason: "the harness holds every connection in flight in its workers' heaps")
        /// `--seconds`: at least a millisecond (a cell shorter than the time to wake its
        /// workers measures only the start), at most an hour per cell; a whole run of
        /// `--seconds` cells is bounded by `maximumRunSeconds` as well.
        public static let seconds = 0.001...3_600.0
        /// The longest run, all cells together: a day (the default matrix has 112 cells, so an
        /// hour each would run for 112 hours). Exact for `--seconds`, estimated for `--picks`.
        public static let maximumRunSeconds = 86_400.0
        /// A pick's step in the harness (release, pick, duration draw, heap update, timer
        /// reads), for estimating a `--picks` run: 100 ns, the slow end of the 5–20 million
        /// steps per second measured on one core.
        public static let estimatedStepSeconds = 100e-9
        /// `--picks`: at most 10⁹ per cell, which takes minutes at the harness's rate of
        /// 5–20 million picks per second on one core (about 100 ns a step), and hours at
        /// linear-scan's O(n) cost on large farms.
        public static let picks = 1...1_000_000_000
        /// The longest a scanning selector's cell may scan, estimated before it starts (fills
        /// and picks × servers × `scanVisitCost`): about 2 minutes, where
        /// `--servers 16777216 --selectors linear-scan` with the default picks would take weeks.
        public static let maximumScanSeconds = 120.0

        /// What one server visit of `selector`'s pick costs in a cell, or `nil` for a selector
        /// whose pick does not visit every server. Measured with one worker filling
        /// `--concurrency` connections (`lbbench run --threads 1 --picks 1`, 3·10⁹ visits a
        /// run, start-up subtracted) on the Zen 1 EPYC VM, 2026-12-01, the slowest machine
        /// seen: `linear-scan` 1.1–1.2 ns up to 131,072 servers (its 24-byte records fit the
        /// caches), 2.3 at 256 Ki, 3.0 at 1 Mi, 2.5 at 16 Mi; `atomic-scan` 3.1 at 32,768 and
        /// 4.1 at 65,536 (a padded line per count), 8.5 at 128 Ki, 8.0 at 1 Mi, 8.4 at 16 Mi;
        /// `sharded` 3.2–3.4 up to 65,536, 4.0 at 128 Ki and 1 Mi, 4.3 at 16 Mi. Checked against
        /// whole cells estimated at 20 s: they took 16–19 s.
        ///
        /// - Complexity: O(1).
        public static func scanVisitCost(of selector: SelectorKind) -> ScanVisitCost? {
            switch selector {
            case .linearScan:
                ScanVisitCost(cachedNanoseconds: 1.2, cachedEntries: 131_072, uncachedNanoseconds: 3, uncachedEntries: 262_144)
            case .atomicScan: slowestScanVisitCost
            case .sharded:
                ScanVisitCost(cachedNanoseconds: 3.5, cachedEntries: 65_536, uncachedNanoseconds: 4.5, uncachedEntries: 131_072)
            // A scanning selector not measured yet is bounded as the slowest measured one.
            default: selector.pickScansEveryServer ? slowestScanVisitCost : nil
            }
        }

        /// `atomic-scan`'s visit cost, the slowest measured.
        static let slowestScanVisitCost =
            ScanVisitCost(cachedNanoseconds: 4.2, cachedEntries: 65_536, uncachedNanoseconds: 9, uncachedEntries: 131_072)

        /// What one weight-class visit of a pick that compares every class
        /// (`SelectorKind.pickVisitsEveryWeightClass`) costs: `buckets` with W distinct weights
        /// (one server each, `lbbench run --selectors buckets --servers W --weights 1,2,…,W
        /// --threads 1 --workloads uniform`, 0.6–3·10⁹ visits a run) on the Zen 1 EPYC VM,
        /// 2026-12-02: 5.5 ns at 256 classes, 4.4 at 2,048, 5.2 at 8,192, 15.1 at 16,384 and 19.7
        /// at 20,000 (about the most distinct weights a command line can carry).
        static let weightClassVisitCost =
            ScanVisitCost(cachedNanoseconds: 5.5, cachedEntries: 8_192, uncachedNanoseconds: 20, uncachedEntries: 20_000)

    }

    /// The selector under test.
    public var selector: SelectorKind
    /// The lock for lock-based selectors; `nil` for lock-free ones.
    public var lock: LockKind?
    /// Where connection durations come from.
    public var workload: Workload
    /// One weight per server (0 = drained).
    public var weights: [Int]
    /// Worker threads, each an event loop holding its share of the connections.
    public var threads: Int
    /// Connections in flight, all workers together.
    public var concurrency: Int
    /// How long the cell runs.
    public var length: RunLength
    /// Seeds the selector and the workers' duration draws.
    public var seed: UInt64
    /// Worker 0 snapshots every server's active count once per this many of its own steps.
    public var loadSampleInterval: Int

    public init(
        selector: SelectorKind, lock: LockKind?, workload: Workload, weights: [Int], threads: Int,
        concurrency: Int, length: RunLength, seed: UInt64, loadSampleInterval: Int? = nil
    ) {
        self.selector = selector
        self.lock = selector.usesLock ? (lock ?? .default) : nil
        self.workload = workload
        self.weights = weights
        self.threads = threads
        self.concurrency = concurrency
        self.length = length
        self.seed = seed
        self.loadSampleInterval = loadSampleInterval ?? Self.defaultLoadSampleInterval(servers: weights.count)
    }

    /// The number of servers.
    public var servers: Int { weights.count }

    /// What one pick of this cell's selector visits: every server for a selector that scans
    /// them, every weight class for one that compares them, `nil` for neither.
    ///
    /// - Complexity: O(servers) expected for a selector that compares weight classes (it counts
    ///   the distinct positive weights), O(1) otherwise.
    public var scanVisits: ScanVisits? { scanWork?.visits }

    /// The estimated seconds this cell spends visiting servers (a selector that scans them:
    /// `Limits.scanVisitCost`) or weight classes (`Limits.weightClassVisitCost`) in `steps` fills
    /// and picks; 0 for a selector that does neither.
    ///
    /// - Complexity: as `scanVisits`.
    public func scanSeconds(steps: Int) -> Double {
        scanWork.map { $0.visits.seconds(steps: steps, at: $0.cost) } ?? 0
    }

    /// What one pick visits and what one visit costs, or `nil` for a pick whose cost does not
    /// grow with the farm: the one place that tells the two kinds of scan apart.
    private var scanWork: (visits: ScanVisits, cost: ScanVisitCost)? {
        if let cost = Limits.scanVisitCost(of: selector) { return (ScanVisits(entries: servers, kind: .servers), cost) }
        guard selector.pickVisitsEveryWeightClass else { return nil }
        return (ScanVisits(entries: SelectorKind.weightClasses(in: weights), kind: .weightClasses), Limits.weightClassVisitCost)
    }

    /// A row name in google/benchmark style: `linear-scan+mutex/uniform/servers:64/threads:2`.
    public var name: String {
        RunResult.rowName(selector: selector, lock: lock, workload: workload, servers: servers, threads: threads)
    }

    /// Rarely enough that the O(n) snapshot (which holds a lock-based selector's lock) costs
    /// well under one pick per step. A cell gets about its picks ÷ threads ÷ this samples (only
    /// worker 0 samples), plus one: with the default 400,000 picks, about 1,560 at 64 servers
    /// and 98 at 1,024 on one thread, half that on two; `--quick` (20,000 picks) gets 5 or 3
    /// at 1,024 servers, so its load figures there rest on a few snapshots.
    public static func defaultLoadSampleInterval(servers: Int) -> Int {
        max(256, 4 * servers)
    }

    /// The connections worker `worker` holds: an even share, the first workers taking the remainder.
    public func connections(ofWorker worker: Int) -> Int {
        concurrency / threads + (worker < concurrency % threads ? 1 : 0)
    }

    /// Checks every field.
    ///
    /// - Complexity: O(servers).
    /// - Throws: `RunConfigurationError` naming the first problem.
    public func validate() throws(RunConfigurationError) {
        try Limits.serversOption.check(servers)
        // The counts' own ranges first, all O(1): a count out of range is refused as such, not
        // as a scan.
        switch length {
        case let .picks(count):
            try OptionRange.check(count, option: "--picks", in: Limits.picks,
                                  reason: "10^9 picks take minutes per cell; use --seconds for a fixed time")
        case let .seconds(seconds):
            try OptionRange.check(seconds, option: "--seconds", in: Limits.seconds,
                                  reason: "from a millisecond to an hour per cell")
        }
        try Limits.threadsOption.check(threads)
        try Limits.concurrencyOption.check(concurrency)
        if concurrency < threads { throw .concurrencyBelowThreads(concurrency: concurrency, threads: threads) }
        if loadSampleInterval < 1 {
            throw .notPositive(option: "load sample interval", value: String(loadSampleInterval))
        }
        // Before the O(n) weight check: a hopeless scanning cell is refused without touching its
        // farm (a cell that compares weight classes counts them first, O(n)).
        if let (visits, cost) = scanWork {
            let picks = if case let .picks(count) = length { count } else { 0 }
            let seconds = visits.seconds(steps: concurrency.saturatingAdd(picks), at: cost)
            if seconds > Limits.maximumScanSeconds {
                throw .tooMuchWork(selector: selector.rawValue, visits: visits, fills: concurrency, picks: picks,
                                   estimatedSeconds: seconds, nanosecondsPerVisit: cost.nanoseconds(entries: visits.entries))
            }
        }
        do { try WeightValidation.validate(weights) } catch { throw .invalidWeights(error) }
    }
}

/// What one pick of a cell visits when its cost grows with the farm: all its servers, or all its
/// weight classes.
public struct ScanVisits: Sendable, Equatable {
    /// What is visited.
    public enum Kind: Sendable, Equatable {
        /// Every server (`SelectorKind.pickScansEveryServer`).
        case servers
        /// Every weight class (`SelectorKind.pickVisitsEveryWeightClass`).
        case weightClasses
    }

    /// How many are visited on every pick.
    public var entries: Int
    public var kind: Kind

    public init(entries: Int, kind: Kind) {
        self.entries = entries
        self.kind = kind
    }

    /// The estimated seconds of `steps` picks, each visiting `entries` at `cost`.
    ///
    /// - Complexity: O(1).
    public func seconds(steps: Int, at cost: ScanVisitCost) -> Double {
        cost.seconds(visits: Double(entries) * Double(steps), entries: entries)
    }
}
