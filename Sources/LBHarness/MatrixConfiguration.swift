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
                            let concurrency = concurrency
                                ?? Self.defaultConcurrency(servers: servers, threads: threads, workload: workload)
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
        try Self.checkRunTime(cells, length: length)
        return cells
    }

    /// Refuses a run expected to last longer than `RunConfiguration.Limits.maximumRunSeconds`,
    /// all cells together: each cell's fills, estimated at a step per connection
    /// (`stepSeconds`), and its measured part, `--seconds` exactly or, for `--picks`, estimated
    /// at a step per pick. The line names what to lower: the length while some length fits
    /// after the fills, else `--concurrency` (`checkFills`).
    ///
    /// - Complexity: O(cells), plus O(servers) per cell of a selector that compares weight
    ///   classes (`stepSeconds` counts them, once per cell here).
    static func checkRunTime(_ cells: [RunConfiguration], length: RunLength) throws(RunConfigurationError) {
        let limit = RunConfiguration.Limits.maximumRunSeconds
        let steps = cells.map(stepSeconds)
        // The estimate is linear in the picks: the fills, then a step per pick in every cell.
        let perPick = steps.reduce(0, +)
        let fills = zip(cells, steps).reduce(0.0) { $0 + Double($1.0.concurrency) * $1.1 }
        let count = Double(cells.count)
        switch length {
        case let .seconds(seconds):
            let total = fills + count * seconds
            guard total > limit else { return }
            let shortest = RunConfiguration.Limits.seconds.lowerBound
            try checkFills(cells, fills: fills, perPick: perPick, shortestSeconds: count * shortest,
                           shortestLength: "--seconds \(OptionRange.describe(shortest))")
            // The bound as it reads best: whole seconds from one up.
            let exact = (limit - fills) / count
            let longest = exact >= 1 ? exact.rounded(.down) : exact
            throw .outOfRange(
                option: "--seconds", value: OptionRange.describe(seconds),
                range: "\(OptionRange.describe(shortest))...\(OptionRange.describe(longest)) for \(cells.count) cells",
                reason: "a run lasts at most \(OptionRange.describe(limit)) s (24 hours), all cells together: "
                    + "\(cells.count) × \(OptionRange.describe(seconds)) s, plus about \(NumberFormat.duration(fills)) "
                    + "of fills, is \(NumberFormat.grouped(Int(total.rounded(.up)))) s")
        case let .picks(picks):
            let total = fills + Double(picks) * perPick
            guard total > limit else { return }
            try checkFills(cells, fills: fills, perPick: perPick, shortestSeconds: perPick, shortestLength: "--picks 1")
            // The most picks that fit the day after the fills: at least 1, as checked above.
            let most = Int(((limit - fills) / perPick).rounded(.down))
            throw .outOfRange(
                option: "--picks", value: String(picks), range: "1...\(most) for \(cells.count) cells",
                reason: "a run lasts at most 24 hours: these would take about "
                    + "\(NumberFormat.significant(total / 3_600, digits: 3)) hours, \(estimateBasis(step: "pick"))")
        }
    }

    /// Refuses cells whose fills leave no room for even the shortest length (`shortestLength`,
    /// `shortestSeconds` of measuring, all cells together), where no `--picks` or `--seconds`
    /// could help: names `--concurrency` and the most connections per cell that would fit; or,
    /// when even one connection per thread would not, the number of cells.
    ///
    /// - Parameter perPick: the seconds of one step in every cell together.
    private static func checkFills(
        _ cells: [RunConfiguration], fills: Double, perPick: Double, shortestSeconds: Double, shortestLength: String
    ) throws(RunConfigurationError) {
        let limit = RunConfiguration.Limits.maximumRunSeconds
        guard fills + shortestSeconds > limit else { return }
        // Every cell at one concurrency c fills for c × perPick; each needs c ≥ its threads.
        let most = Int(min(((limit - shortestSeconds) / perPick).rounded(.down),
                           Double(RunConfiguration.Limits.concurrency.upperBound)))
        let fewest = cells.map(\.threads).max() ?? 1
        guard most >= fewest else {
            throw .tooManyCells(cells: cells.count, estimatedSeconds: Double(fewest) * perPick + shortestSeconds,
                                concurrency: fewest, length: shortestLength)
        }
        let concurrencies = cells.map(\.concurrency)
        let largest = concurrencies.max() ?? 0
        throw .outOfRange(
            option: "--concurrency",
            value: concurrencies.allSatisfy { $0 == largest }
                ? String(largest) : "\(largest) (the default: servers × the workload's connections per server)",
            range: "\(fewest)...\(most) for \(cells.count) cells",
            reason: "a run lasts at most 24 hours: filling these cells' connections would take about "
                + "\(NumberFormat.duration(fills)), too long for even \(shortestLength) after them; "
                + estimateBasis(step: "connection"))
    }

    /// How `checkRunTime` estimates, for its lines: "estimated at 100 ns a pick plus, …".
    private static func estimateBasis(step: String) -> String {
        "estimated at \(OptionRange.describe(RunConfiguration.Limits.estimatedStepSeconds * 1e9)) ns a \(step) plus, "
            + "for a scanning selector, its measured cost per server (or weight class) visited"
    }

    /// The estimated seconds of one cell of `picks` picks: its fills and picks, each a step
    /// (`stepSeconds`).
    public static func estimatedSeconds(_ cell: RunConfiguration, picks: Int) -> Double {
        (Double(picks) + Double(cell.concurrency)) * stepSeconds(cell)
    }

    /// The connections in flight of a cell that does not give `--concurrency`: the workload's
    /// connections per server on every server, and at least one per thread (saturating: never
    /// traps on unchecked counts, which are refused afterwards).
    public static func defaultConcurrency(servers: Int, threads: Int, workload: Workload) -> Int {
        max(servers.saturatingMultiply(workload.defaultConnectionsPerServer), threads)
    }

    /// One step of `cell`: the harness's step cost, plus a visit to every server for a
    /// selector that scans them all, or to every weight class for one that compares them.
    static func stepSeconds(_ cell: RunConfiguration) -> Double {
        RunConfiguration.Limits.estimatedStepSeconds
            + cell.scanSeconds(steps: 1)
    }

    /// This matrix with every dimension it leaves `nil` taken from `other` (the seed stays
    /// this one's): explicit options over a named matrix. `other`'s locks come along only
    /// while some selector uses a lock, so narrowing a named matrix to lock-free selectors
    /// (`--matrix scaling --selectors p2c`) is not refused for locks nobody gave.
    public func filling(from other: MatrixConfiguration) -> MatrixConfiguration {
        let selectors = self.selectors ?? other.selectors
        let anyLockBased = (selectors ?? SelectorKind.allCases).contains(where: \.usesLock)
        return MatrixConfiguration(
            selectors: selectors, locks: locks ?? (anyLockBased ? other.locks : nil),
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
        try RunConfiguration.Limits.serversOption.check(servers)
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
