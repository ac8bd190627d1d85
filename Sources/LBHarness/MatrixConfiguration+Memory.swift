import LBReporting
import LBWorkloads
import LoadBalancing

/// The peak memory of a run, estimated from its dimensions before anything is allocated, so
/// that `lbbench run` can refuse a run that would not fit its `MemoryBudget`.
///
/// The model (bytes; n servers, t threads, k connections in flight) is an upper bound, its
/// coefficients measured with `/usr/bin/time -v` (maximum resident set, release build) on runs
/// of 1 Mi and 4 Mi servers, 1 to 64 threads, 1 to 8 Mi connections, every selector, long
/// enough to touch every per-server tally (see `README.md`, "Exit statuses and the memory budget"):
/// - the process itself: `processBytes`;
/// - the cells' weights: 8·n per distinct server count and workload, kept for the whole run;
/// - the cell running now, the largest of them: the selector (`selectorBytesPerServer(_:shardedStripes:)`·n), per
///   worker its histograms (`workerBytes`) and per-server pick tallies (`workerBytesPerServer`·n), worker 0's load
///   sums and snapshot (16·n), the connections in flight (`bytesPerConnection`·k), and the
///   result's merged per-server figures (24·n);
/// - every finished cell's result: `resultBytes`, plus its per-server figures (16·n) when the
///   report format needs them (`keepsPerServer`, JSON), and then the rendered report
///   (`renderedBytesPerServer`·n per cell for JSON).
///
/// - Complexity: O(cells), without allocating per server.
extension MatrixConfiguration {
    /// The resident memory of the process before any cell: code, runtime, Foundation, the
    /// timer-overhead probe.
    public static let processBytes = 40 << 20
    /// One worker's fixed part: two latency histograms, its thread's stack in use (measured
    /// 0.4 MiB: 64 workers on 8 servers).
    public static let workerBytes = 1 << 20
    /// One worker's part per server: its pick tallies (measured 9.3 B: p2c, 1 Mi servers,
    /// 2 to 8 threads).
    public static let workerBytesPerServer = 10
    /// The most any selector of the library but `sharded` holds per server (counts, heap or
    /// bucket links, tie stamps, weights): round-robin's, the largest, measured 84 B (1 Mi
    /// servers); by their layouts p2c holds 24 B (packed counts, weights and alias-table
    /// columns) and linear-scan 32 B (36 B with ranks, farms of at most 32 servers), atomic-scan
    /// about 70.
    public static let unstripedSelectorBytesPerServer = 96

    /// The most `selector` holds per server: `unstripedSelectorBytesPerServer`, or for
    /// `sharded`, whose counts are striped per processor, its layout's 8 B a stripe plus 24 B
    /// (`ShardedSelector`; 40 B on 2 processors, 152 B on 16, 536 B from 33 up) when that is more.
    ///
    /// - Parameter shardedStripes: `sharded`'s stripes; by default this machine's
    ///   (`ShardedSelector.defaultStripeCount`, what the harness builds).
    public static func selectorBytesPerServer(
        _ selector: SelectorKind, shardedStripes: Int = ShardedSelector.defaultStripeCount
    ) -> Int {
        let unstriped = unstripedSelectorBytesPerServer
        return selector == .sharded ? max(unstriped, shardedStripes.saturatingMultiply(8).saturatingAdd(24)) : unstriped
    }

    /// A connection in flight: 16 bytes in a worker's heap, 8 in the list of connections still
    /// held at the end (measured 24.5 B: 1 Mi to 8 Mi connections; rounded up, as an upper bound).
    public static let bytesPerConnection = 25
    /// A finished cell's result without per-server figures.
    public static let resultBytes = 4 << 10
    /// JSON text and the encoder's intermediate values per server of a result (measured 98
    /// to 129 B with the 16 B kept: one and four cells of 1 Mi servers).
    public static let renderedBytesPerServer = 128

    /// The estimated peak resident memory of the run, and one line saying what dominates.
    ///
    /// - Parameter keepsPerServer: whether finished cells keep their per-server figures (the
    ///   JSON report needs them; Markdown and CSV do not).
    ///   - shardedStripes: `sharded`'s stripes (`selectorBytesPerServer(_:shardedStripes:)`).
    public func estimatedPeakMemory(
        keepsPerServer: Bool, shardedStripes: Int = ShardedSelector.defaultStripeCount
    ) -> (bytes: Int, detail: String) {
        let selectors = self.selectors ?? SelectorKind.allCases
        // Cells run one at a time: the largest selector is the one to hold room for.
        let selectorBytesPerServer = selectors.map {
            Self.selectorBytesPerServer($0, shardedStripes: shardedStripes)
        }.max() ?? Self.unstripedSelectorBytesPerServer
        let lockCount = max(1, locks?.count ?? 1)
        let threadCounts = self.threadCounts ?? Self.defaultThreadCounts
        var weightsBytes = 0
        var largestCell = 0
        var largestCellName = ""
        var retained = 0
        for workload in workloads ?? Self.defaultWorkloads {
            let serverCounts = self.serverCounts(for: workload)
            let cellsPerServerCount = selectors.reduce(0) { $0 + ($1.usesLock ? lockCount : 1) } * threadCounts.count
            for servers in serverCounts {
                weightsBytes = weightsBytes.saturatingAdd(weights == nil ? servers.saturatingMultiply(8) : 0)
                let perResult = Self.resultBytes.saturatingAdd(
                    keepsPerServer ? servers.saturatingMultiply(16 + Self.renderedBytesPerServer) : 0)
                retained = retained.saturatingAdd(perResult.saturatingMultiply(cellsPerServerCount))
                for threads in threadCounts {
                    let connections = concurrency
                        ?? Self.defaultConcurrency(servers: servers, threads: threads, workload: workload)
                    let perServer = Self.workerBytesPerServer.saturatingMultiply(threads)
                        .saturatingAdd(selectorBytesPerServer + 16 + 24)
                    let cell = servers.saturatingMultiply(perServer)
                        .saturatingAdd(threads.saturatingMultiply(Self.workerBytes))
                        .saturatingAdd(connections.saturatingMultiply(Self.bytesPerConnection))
                    if cell > largestCell {
                        largestCell = cell
                        largestCellName = "\(servers) servers × \(threads) threads, \(connections) connections"
                    }
                }
            }
        }
        weightsBytes = weightsBytes.saturatingAdd(weights.map { $0.count * 8 } ?? 0)
        let total = Self.processBytes.saturatingAdd(weightsBytes).saturatingAdd(largestCell).saturatingAdd(retained)
        let detail = "largest cell \(largestCellName): \(MemoryBudget.format(largestCell)); finished cells' results"
            + (keepsPerServer ? " with per-server figures for JSON" : "") + ": \(MemoryBudget.format(retained))"
        return (total, detail)
    }

    /// Throws when the run's estimated peak exceeds `budget`.
    public func checkMemory(_ budget: MemoryBudget, keepsPerServer: Bool) throws(RunConfigurationError) {
        let estimate = estimatedPeakMemory(keepsPerServer: keepsPerServer)
        do {
            try budget.check(estimate: estimate.bytes, what: "the run", detail: estimate.detail)
        } catch {
            throw .overMemoryBudget(error)
        }
    }
}
