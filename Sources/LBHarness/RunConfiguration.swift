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
        /// A scanning selector's cost per server visited: linear-scan's measured 1 ns.
        public static let serverVisitSeconds = 1e-9
        /// `--picks`: at most 10⁹ per cell, which takes minutes at the harness's rate of
        /// 5–20 million picks per second on one core (about 100 ns a step), and hours at
        /// linear-scan's O(n) cost on large farms.
        public static let picks = 1...1_000_000_000
        /// Selectors whose pick scans every server (O(n)): a cell of
        /// theirs costs its fills and picks times the servers.
        public static let scanningSelectors = Set(SelectorKind.allCases.filter(\.pickScansEveryServer))
        /// The most servers a scanning selector's cell may visit (fills and picks × servers):
        /// about 2 minutes at linear-scan's measured 1 ns a server, where
        /// `--servers 16777216 --selectors linear-scan` with the default picks would take days.
        public static let maximumServerVisits = 100_000_000_000
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

    /// A row name in google/benchmark style: `linear-scan+mutex/uniform/servers:64/threads:2`.
    public var name: String {
        RunResult.rowName(selector: selector, lock: lock, workload: workload, servers: servers, threads: threads)
    }

    /// Samples often enough for hundreds of samples per cell, rarely enough that the O(n)
    /// snapshot (which holds a lock-based selector's lock) costs well under one pick per step.
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
        if servers > Limits.maximumServers {
            throw .tooLarge(option: "--servers", value: servers, maximum: Limits.maximumServers,
                            reason: "the harness keeps per-server tallies in every worker")
        }
        // Before the O(n) weight check: a hopeless cell is refused without touching its farm.
        if Limits.scanningSelectors.contains(selector) {
            let picks = if case let .picks(count) = length { count } else { 0 }
            let visits = servers.multipliedReportingOverflow(by: concurrency.saturatingAdd(picks))
            if visits.overflow || visits.partialValue > Limits.maximumServerVisits {
                throw .tooMuchWork(selector: selector.rawValue, servers: servers, fills: concurrency, picks: picks,
                                   maximum: Limits.maximumServerVisits)
            }
        }
        do { try WeightValidation.validate(weights) } catch { throw .invalidWeights(error) }
        if threads < 1 { throw .notPositive(option: "--threads", value: String(threads)) }
        if threads > Limits.maximumThreads {
            throw .tooLarge(option: "--threads", value: threads, maximum: Limits.maximumThreads,
                            reason: "each worker holds one of Dispatch's at most 255 pool threads")
        }
        if concurrency < 1 { throw .notPositive(option: "--concurrency", value: String(concurrency)) }
        if concurrency > Limits.concurrency.upperBound {
            throw .tooLarge(option: "--concurrency", value: concurrency, maximum: Limits.concurrency.upperBound,
                            reason: "the harness holds every connection in flight in its workers' heaps")
        }
        if concurrency < threads { throw .concurrencyBelowThreads(concurrency: concurrency, threads: threads) }
        switch length {
        case let .picks(count):
            try OptionRange.check(count, option: "--picks", in: Limits.picks,
                                  reason: "10^9 picks take minutes per cell; use --seconds for a fixed time")
        case let .seconds(seconds):
            try OptionRange.check(seconds, option: "--seconds", in: Limits.seconds,
                                  reason: "from a millisecond to an hour per cell")
        }
        if loadSampleInterval < 1 {
            throw .notPositive(option: "load sample interval", value: String(loadSampleInterval))
        }
    }
}
