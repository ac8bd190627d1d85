import LBReporting
import LBWorkloads
import LoadBalancing

/// The dimensions of a whole run; `cells()` expands them into one `RunConfiguration` per
/// combination.
///
/// Every dimension left `nil` takes its default. The defaults make the representative matrix
/// of `lbbench` with no options: every selector; 8, 64 and 1,024 servers; 1 and 2 threads;
/// `uniform` and `mixed`, plus `video` at its own size (3 servers weighted 2,1,1).
public struct MatrixConfiguration: Sendable, Equatable {
    /// Selectors, in catalogue order by default (every `SelectorKind`).
    public var selectors: [SelectorKind]?
    /// Locks tried for each lock-based selector; lock-free selectors run once regardless.
    public var locks: [LockKind]?
    /// Server counts; by default a workload's own count (`video`: 3) or `defaultServerCounts`.
    public var serverCounts: [Int]?
    /// Thread counts.
    public var threadCounts: [Int]?
    /// Workloads.
    public var workloads: [Workload]?
    /// One weight per server for every cell; by default a workload's own weights where its
    /// server count is used, otherwise all 1.
    public var weights: [Int]?
    /// Connections in flight per cell; by default servers × the workload's connections per
    /// server (at least one per thread).
    public var concurrency: Int?
    /// Length of each cell.
    public var length: RunLength?
    /// Seed for every cell: all selectors see the same duration sequences.
    public var seed: UInt64

    public static let defaultServerCounts = [8, 64, 1_024]
    public static let defaultThreadCounts = [1, 2]
    public static let defaultWorkloads: [Workload] = [.uniform, .mixed, .video]
    public static let defaultSeed: UInt64 = 1

    public init(
        selectors: [SelectorKind]? = nil, locks: [LockKind]? = nil, serverCounts: [Int]? = nil,
        threadCounts: [Int]? = nil, workloads: [Workload]? = nil, weights: [Int]? = nil,
        concurrency: Int? = nil, length: RunLength? = nil, seed: UInt64 = defaultSeed
    ) {
        self.selectors = selectors
        self.locks = locks
        self.serverCounts = serverCounts
        self.threadCounts = threadCounts
        self.workloads = workloads
        self.weights = weights
        self.concurrency = concurrency
        self.length = length
        self.seed = seed
    }

    /// Every cell, ordered by workload, then selector and lock, then servers, then threads.
    ///
    /// - Throws: `RunConfigurationError` for the first invalid combination (an empty list,
    ///   weights whose length differs from a server count, a concurrency below the thread
    ///   count, a count out of range).
    /// - Complexity: O(cells × servers).
    public func cells() throws(RunConfigurationError) -> [RunConfiguration] {
        let selectors = try nonEmpty(selectors ?? SelectorKind.allCases, "--selectors")
        let locks = try nonEmpty(locks ?? [.default], "--locks")
        if self.locks != nil && !selectors.contains(where: \.usesLock) {
            throw .locksWithoutLockBasedSelector(selectors: selectors.map(\.rawValue))
        }
        let threadCounts = try nonEmpty(threadCounts ?? Self.defaultThreadCounts, "--threads")
        let workloads = try nonEmpty(workloads ?? Self.defaultWorkloads, "--workloads")
        if let serverCounts { _ = try nonEmpty(serverCounts, "--servers") }
        let length = length ?? .standard

        var cells: [RunConfiguration] = []
        for workload in workloads {
            // One weights array per server count, shared by every selector's cells.
            let serverCounts = self.serverCounts(for: workload)
            var weightsByServers: [Int: [Int]] = [:]
            for servers in serverCounts { weightsByServers[servers] = try self.weights(for: workload, servers: servers) }
            for selector in selectors {
                for lock in selector.usesLock ? locks.map(Optional.some) : [nil] {
                    for servers in serverCounts {
                        let weights = weightsByServers[servers] ?? []
                        for threads in threadCounts {
                            let perServer = workload.defaultConnectionsPerServer
                            let concurrency = concurrency
                                ?? max(servers.multipliedReportingOverflow(by: perServer).partialValue, threads)
                            let cell = RunConfiguration(
                                selector: selector, lock: lock, workload: workload, weights: weights,
                                threads: threads, concurrency: concurrency, length: length, seed: seed)
                            try cell.validate()
                            cells.append(cell)
                        }
                    }
                }
            }
        }
        try Self.checkRunTime(cells.count, length: length)
        return cells
    }

    /// Refuses a run of `--seconds` cells longer than `RunConfiguration.Limits.maximumRunSeconds`
    /// in all, naming the longest `--seconds` that this many cells may have.
    static func checkRunTime(_ cellCount: Int, length: RunLength) throws(RunConfigurationError) {
        guard case let .seconds(seconds) = length else { return }
        let limit = RunConfiguration.Limits.maximumRunSeconds
        let total = Double(cellCount) * seconds
        if total > limit {
            // The bound as it reads best: whole seconds from one up.
            let exact = limit / Double(cellCount)
            let longest = exact >= 1 ? exact.rounded(.down) : exact
            throw .outOfRange(
                option: "--seconds", value: OptionRange.describe(seconds),
                range: "\(OptionRange.describe(RunConfiguration.Limits.seconds.lowerBound))...\(OptionRange.describe(longest)) "
                    + "for \(cellCount) cells",
                reason: "a run lasts at most \(OptionRange.describe(limit / 3_600)) hours, all cells together: "
                    + "\(cellCount) × \(OptionRange.describe(seconds)) s is \(NumberFormat.significant(total / 3_600, digits: 4)) hours")
        }
    }

    /// This matrix with every dimension it leaves `nil` taken from `other` (the seed stays
    /// this one's): explicit options over a named matrix.
    public func filling(from other: MatrixConfiguration) -> MatrixConfiguration {
        MatrixConfiguration(
            selectors: selectors ?? other.selectors, locks: locks ?? other.locks,
            serverCounts: serverCounts ?? other.serverCounts, threadCounts: threadCounts ?? other.threadCounts,
            workloads: workloads ?? other.workloads, weights: weights ?? other.weights,
            concurrency: concurrency ?? other.concurrency, length: length ?? other.length, seed: seed)
    }

    func serverCounts(for workload: Workload) -> [Int] {
        if let serverCounts { return serverCounts }
        if let weights { return [weights.count] }
        return workload.defaultServerCount.map { [$0] } ?? Self.defaultServerCounts
    }

    private func weights(for workload: Workload, servers: Int) throws(RunConfigurationError) -> [Int] {
        if servers < 1 { throw .notPositive(option: "--servers", value: String(servers)) }
        if servers > RunConfiguration.Limits.maximumServers {
            throw .tooLarge(option: "--servers", value: servers, maximum: RunConfiguration.Limits.maximumServers,
                            reason: "the harness keeps per-server tallies in every worker")
        }
        if let weights {
            if weights.count != servers { throw .weightsLengthMismatch(weights: weights.count, servers: servers) }
            return weights
        }
        if let own = workload.defaultWeights, own.count == servers { return own }
        return Array(repeating: 1, count: servers)
    }

    private func nonEmpty<Element>(_ values: [Element], _ option: String) throws(RunConfigurationError) -> [Element] {
        if values.isEmpty { throw .emptyList(option: option) }
        return values
    }
}
