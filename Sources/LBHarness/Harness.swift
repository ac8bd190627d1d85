import Dispatch
import Foundation
import LBReporting
import LBWorkloads
import LoadBalancing

/// Runs cells: the library entry point behind `lbbench run` (and any command built on it).
///
/// # How a cell runs
/// One shared selector is driven by `threads` workers, each on its own serial `DispatchQueue`.
/// A serial queue does not by itself get a thread of its own (32 short items on 32 serial
/// queues ran on 2 threads here, one after another); the workers get one each because every
/// worker blocks at the start gate until all have arrived, and Dispatch's overcommitting pool
/// adds a thread whenever the ones it has are blocked (32 workers, 32 threads). The gate
/// blocks rather than spins, so more workers than cores cannot starve it. Each worker fills
/// its share of the connections, then waits at the gate; the coordinator reads the selector's
/// contention counters and opens the gate; the workers run `WorkerLoop` until the pick budget
/// or the time is spent and are joined with a `DispatchGroup`. The coordinator then reads the
/// counters again, releases every connection the workers still held, and checks that every
/// active count is back to 0 (`leakedConnections`).
///
/// - Complexity: a cell costs its picks × (pick + release + O(log k) heap update) plus the
///   fills and one O(n) snapshot per `loadSampleInterval` steps. Memory: about 400 KB of
///   histograms per worker, 24 bytes per connection in flight (16 in a worker's heap, 8 in the
///   list of those still held at the end), 8 bytes per server per worker (its pick tallies)
///   and 8 more per server for worker 0's load sums.
/// - Note: Each call blocks its caller until the cell ends. Calls are thread-safe but should
///   not overlap: concurrent cells would measure each other, and their workers together must
///   stay within `RunConfiguration.Limits.maximumThreads`, or Dispatch's pool (at most 255
///   threads) can run out with every cell's gate one worker short, and none would end.
public enum Harness {
    /// Checks the configuration, builds the cell's selector from `SelectorKind` and runs the
    /// cell, with the worker loop specialized for the selector's concrete type.
    ///
    /// - Throws: `RunConfigurationError` if the configuration is invalid
    ///   (`RunConfiguration.validate()`), before any worker starts; `.invalidWeights` if the
    ///   selector rejects the weights.
    public static func run(_ configuration: RunConfiguration) throws(RunConfigurationError) -> RunResult {
        try configuration.validate()
        do {
            return try configuration.selector.withSelectorType(
                lock: configuration.lock ?? .default, CellRunner(configuration: configuration))
        } catch {
            throw .invalidWeights(error)
        }
    }

    /// Runs the cell on a selector the caller built (which must be fresh: no connection in
    /// flight). `configuration.selector` and `.lock` only label the result. The worker loop is
    /// specialized for `Selector`; an `any ServerSelector` argument runs the generic loop.
    ///
    /// - Precondition: `selector.serverCount == configuration.servers`; the configuration is
    ///   valid (`RunConfiguration.validate()`, checked here: an invalid one stops the process
    ///   rather than trap or hang in a worker).
    public static func run<Selector: ServerSelector>(_ configuration: RunConfiguration, on selector: Selector) -> RunResult {
        do { try configuration.validate() } catch { preconditionFailure("invalid configuration: \(error)") }
        return measure(configuration, on: selector)
    }

    /// `run(_:on:)` for a configuration already validated.
    fileprivate static func measure<Selector: ServerSelector>(_ configuration: RunConfiguration, on selector: Selector) -> RunResult {
        measure(configuration, on: selector,
                coordination: WorkerCoordination(workers: configuration.threads, length: configuration.length))
    }

    /// `measure(_:on:)` with the workers' coordination given, fresh for this run: a test's
    /// selector can then watch it (which workers are in their measured loop) to order the workers
    /// without timing.
    static func measure<Selector: ServerSelector>(
        _ configuration: RunConfiguration, on selector: Selector, coordination: WorkerCoordination
    ) -> RunResult {
        precondition(selector.serverCount == configuration.servers, "the selector has a different server count")
        let joined = DispatchGroup()
        for worker in 0..<configuration.threads {
            DispatchQueue(label: "lbbench.worker.\(worker)").async(group: joined) {
                let outcome = WorkerLoop.run(
                    worker: worker, configuration: configuration, selector: selector, coordination: coordination)
                coordination.outcomes.store(outcome, worker: worker)
            }
        }
        coordination.gate.waitForEveryone()
        let before = selector.contentionStatistics()
        coordination.gate.open()
        joined.wait()
        let after = selector.contentionStatistics()

        let outcomes = coordination.outcomes.collected()
        for outcome in outcomes {
            for server in outcome.held { selector.release(server) }
        }
        // Absolute values: a count above 0 on one server and below on another is two faults,
        // not none (the library's selectors stop the process before a count goes below 0; a
        // selector from elsewhere may not).
        let leaked = selector.activeConnections().reduce(0) { $0 + abs($1) }
        return result(of: configuration, outcomes: outcomes, contention: (before, after),
                      leaked: leaked, overlapped: coordination.overlap.maximum)
    }

    /// Runs every cell in order and assembles the results document: machine context (timer
    /// overhead measured first), runs, and scaling against one thread.
    ///
    /// - Parameters:
    ///   - keepsPerServer: whether finished cells keep their per-server figures (`perServer`,
    ///     16 bytes per server per cell); only the JSON report prints them.
    ///   - progress: called before each cell.
    /// - Throws: `RunConfigurationError` for the first invalid cell, when that cell's turn
    ///   comes (`MatrixConfiguration.cells()` returns only valid ones).
    public static func run(
        _ cells: [RunConfiguration], keepsPerServer: Bool = true, progress: ((MatrixProgress) -> Void)? = nil
    ) throws(RunConfigurationError) -> ResultsDocument {
        let machine = MachineContext.current()
        let started = MonotonicClock.nanoseconds()
        var runs: [RunResult] = []
        for (index, cell) in cells.enumerated() {
            if let progress {
                let elapsed = Double(MonotonicClock.nanoseconds() &- started) / 1e9
                progress(MatrixProgress(
                    cellIndex: index, cellCount: cells.count, cell: cell, elapsedSeconds: elapsed,
                    estimatedRemainingSeconds: index == 0 ? nil : elapsed / Double(index) * Double(cells.count - index)))
            }
            var result = try run(cell)
            if !keepsPerServer { result.perServer = PerServerFigures(picks: [], meanActive: []) }
            runs.append(result)
        }
        let lengths = cells.reduce(into: [String]()) { lengths, cell in
            if !lengths.contains(cell.length.description) { lengths.append(cell.length.description) }
        }
        var document = ResultsDocument(machine: machine, length: lengths.joined(separator: "; "), runs: runs)
        document.computeScaling()
        return document
    }

    /// Assembles a cell's figures from its workers' outcomes (in worker order; worker 0 carries
    /// the load samples). The window and the CPU and scheduling figures come only from workers
    /// that took part (`WorkerOutcome.tookPart`). O(workers × servers). Internal so that tests
    /// can hand it outcomes with clocks of their choosing.
    static func result(
        of configuration: RunConfiguration, outcomes: [WorkerOutcome],
        contention: (before: ContentionStatistics, after: ContentionStatistics), leaked: Int, overlapped: Int
    ) -> RunResult {
        var pickLatency = LatencyHistogram()
        var releaseLatency = LatencyHistogram()
        var picksPerServer = Array(repeating: 0, count: configuration.servers)
        for outcome in outcomes {
            pickLatency.merge(outcome.pickLatency)
            releaseLatency.merge(outcome.releaseLatency)
            for server in picksPerServer.indices { picksPerServer[server] += outcome.picksPerServer[server] }
        }
        let picks = outcomes.reduce(0) { $0 + $1.picks }
        // The window and the CPU and scheduling figures come from the workers that made
        // measured steps: one that found the budget spent would stretch them to its wake-up.
        let measured = outcomes.filter(\.tookPart)
        let start = measured.map(\.startNanoseconds).min() ?? 0
        let end = measured.map(\.endNanoseconds).max() ?? 0
        let seconds = Double(end &- start) / 1e9
        let loadSamples = outcomes[0].loadSamples ?? LoadSamples(weights: configuration.weights)
        let assignments = Fairness.weightNormalized(picksPerServer.map(Double.init), weights: configuration.weights)
        return RunResult(
            selector: configuration.selector, lock: configuration.lock,
            workload: configuration.workload, servers: configuration.servers,
            threads: configuration.threads, concurrency: configuration.concurrency, weights: configuration.weights,
            seed: configuration.seed, picks: picks, seconds: seconds,
            picksPerSecond: seconds > 0 ? Double(picks) / seconds : 0, scalingVsOneThread: nil,
            pickLatencyNs: pickLatency.summary, releaseLatencyNs: releaseLatency.summary,
            contention: ContentionFigures(before: contention.before, after: contention.after, picks: picks),
            fairness: FairnessFigures(
                jainAssignments: Fairness.jainIndex(assignments), jainLoad: loadSamples.jainLoad,
                peakToMeanLoad: loadSamples.peakToMeanLoad),
            perServer: PerServerFigures(picks: picksPerServer, meanActive: loadSamples.meanActive),
            leakedConnections: leaked, unservedPicks: outcomes.reduce(0) { $0 + $1.unservedPicks },
            workersOverlapped: overlapped,
            cpuParallelism: seconds > 0 ? Double(measured.reduce(0) { $0 + $1.cpuNanoseconds }) / 1e9 / seconds : 0,
            loadSamples: loadSamples.count,
            loadSampleInterval: configuration.loadSampleInterval,
            scheduling: SchedulingFigures(
                workers: measured.map { ($0.endNanoseconds &- $0.startNanoseconds, $0.cpuNanoseconds, $0.scheduling) },
                wallSeconds: seconds))
    }
}

/// `Harness.run(_:)`'s body for one concrete selector type: builds the cell's selector and runs it.
private struct CellRunner: SelectorVisitor {
    let configuration: RunConfiguration

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) throws(SelectorConfigurationError) -> RunResult {
        Harness.measure(configuration, on: try makeSelector(configuration.weights, configuration.seed))
    }
}

/// Where a matrix run stands, reported before each cell.
public struct MatrixProgress: Sendable {
    /// The cell about to run, counted from 0.
    public var cellIndex: Int
    public var cellCount: Int
    public var cell: RunConfiguration
    public var elapsedSeconds: Double
    /// Elapsed time per finished cell times the cells left; `nil` before the first cell ends.
    public var estimatedRemainingSeconds: Double?
}
