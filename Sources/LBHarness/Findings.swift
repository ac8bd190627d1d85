import LBReporting
import LBWorkloads

/// What a run found, computed from its cells (never written by hand): the cheapest pick, the
/// fairest selector under uneven durations, where each selector stops scaling and anything that
/// failed. The "Findings" section at the top of every Markdown report and of `results/README.md`.
///
/// Selectors are named as in the tables: `min-heap+mutex` for a lock-based selector with its lock.
/// Figures are medians over a selector's cells, so one noisy cell does not decide a finding.
///
/// - Note: A value; computing it is pure and thread-safe.
public struct Findings: Sendable, Equatable {
    /// A selector and its median figure over `cells` cells.
    public struct Ranked: Sendable, Equatable {
        public var selector: String
        public var value: Double
        public var cells: Int

        public init(selector: String, value: Double, cells: Int) {
            self.selector = selector
            self.value = value
            self.cells = cells
        }
    }

    /// Where a selector's picks/s stops rising with threads.
    public struct ScalingLimit: Sendable, Equatable {
        public var selector: String
        /// The thread count after which picks/s rises by less than `scalingGain` at any larger count.
        public var peakThreads: Int
        /// The largest thread count measured.
        public var maxThreads: Int
        /// Median, over the selector's cell groups, of picks/s at `peakThreads` over picks/s at the
        /// group's fewest threads.
        public var speedupAtPeak: Double

        public init(selector: String, peakThreads: Int, maxThreads: Int, speedupAtPeak: Double) {
            self.selector = selector
            self.peakThreads = peakThreads
            self.maxThreads = maxThreads
            self.speedupAtPeak = speedupAtPeak
        }
    }

    /// The workloads whose connection durations are uneven enough to tell balancing apart:
    /// rare long connections among many short ones.
    public static let unevenWorkloads: [Workload] = [.mixed, .heavyTail]

    /// The smallest rise in picks/s, as a fraction, that counts as still scaling (10%): below it
    /// a rise is within the run-to-run noise of a shared machine.
    public static let scalingGain = 0.10

    /// What `OnCPUDiagnosis.isBusyMachine` tests, in the findings' words.
    static let busyMachineTest = "workers waiting for free cores for over \(Int(OnCPUDiagnosis.threshold * 100))% of them "
        + "while preempted; without scheduler statistics, under \(Int((1 - OnCPUDiagnosis.threshold) * 100))% of a core "
        + "per usable core"

    /// Selectors by median pick p50 over their one-thread cells (all cells when the run has none),
    /// cheapest first; ties broken by the higher median picks/s.
    public var pickCost: [Ranked]
    /// Whether `pickCost` comes from one-thread cells.
    public var pickCostFromOneThread: Bool
    /// Selectors by median jainLoad over their `unevenWorkloads` cells, fairest first; empty when
    /// the run has no such cells.
    public var unevenFairness: [Ranked]
    /// Each selector's scaling limit, in the order of the selector's first cell in the document;
    /// empty when the run has one thread count.
    public var scaling: [ScalingLimit]
    /// The machine's logical cores.
    public var cores: Int
    /// `ResultsDocument.problems`: leaks, unserved picks, workers that did not overlap.
    public var problems: [String]
    /// Multi-thread cells whose workers got less than 90% of a core each, and all multi-thread cells.
    public var timeSlicedCells: Int
    public var multiThreadCells: Int

    /// The findings of `document`.
    ///
    /// - Complexity: O(runs × log runs).
    public init(_ document: ResultsDocument) {
        let runs = document.runs
        let oneThread = runs.filter { $0.threads == 1 }
        pickCostFromOneThread = !oneThread.isEmpty
        let costRuns = oneThread.isEmpty ? runs : oneThread
        pickCost = Self.bySelector(costRuns) { runs in
            (Median.of(runs.map { Double($0.pickLatencyNs.p50) }), Median.of(runs.map(\.picksPerSecond)))
        }.sorted { ($0.1.0, -$0.1.1) < ($1.1.0, -$1.1.1) }.map { Ranked(selector: $0.0, value: $0.1.0, cells: $0.2) }
        let uneven = Set(Self.unevenWorkloads)
        unevenFairness = Self.bySelector(runs.filter { uneven.contains($0.workload) }) { runs in
            Median.of(runs.map(\.fairness.jainLoad))
        }.sorted { $0.1 > $1.1 }.map { Ranked(selector: $0.0, value: $0.1, cells: $0.2) }
        scaling = Self.scalingLimits(runs)
        cores = document.machine.cores
        problems = document.problems
        timeSlicedCells = document.timeSlicedRuns.count
        multiThreadCells = runs.count { $0.threads > 1 }
    }

    /// `## Findings` and one bullet per finding.
    public var markdown: [String] {
        var lines = ["## Findings", ""]
        if let cheapest = pickCost.first {
            var line = "- Cheapest pick: **\(cheapest.selector)**, median pick p50 \(Self.ns(cheapest.value)) over its "
                + "\(cheapest.cells) \(pickCostFromOneThread ? "one-thread " : "")cells"
            if pickCost.count > 1 {
                line += "; next \(pickCost[1].selector) \(Self.ns(pickCost[1].value))"
            }
            if pickCost.count > 2, let dearest = pickCost.last {
                line += ", dearest \(dearest.selector) \(Self.ns(dearest.value))"
            }
            lines.append(line + ".")
        }
        let workloads = Self.unevenWorkloads.map(\.rawValue).joined(separator: ", ")
        if let fairest = unevenFairness.first {
            // Selectors that tie with the fairest at the precision shown are all named.
            let tied = unevenFairness.prefix { Self.jain($0.value) == Self.jain(fairest.value) }
            // Each tied selector's own cell count: "over 6 cells each" only when they all have 6.
            let counts = tied.map(\.cells)
            let over = Set(counts).count == 1
                ? "\(fairest.cells) cells" + (tied.count > 1 ? " each" : "")
                : Self.list(counts.map(String.init)) + " cells"
            var line = "- Fairest under uneven durations (\(workloads)): **\(tied.map(\.selector).joined(separator: ", "))**, "
                + "median jainLoad \(Self.jain(fairest.value)) over \(over)"
            if unevenFairness.count > tied.count, let least = unevenFairness.last {
                line += "; least fair \(least.selector) \(Self.jain(least.value))"
            }
            lines.append(line + ".")
        } else {
            lines.append("- Fairness under uneven durations: the run has no \(workloads) cells.")
        }
        if scaling.isEmpty {
            lines.append("- Scaling: the run has one thread count, so it says nothing about scaling.")
        } else {
            let limits = scaling.map { limit in
                let threads = "\(limit.peakThreads) thread\(limit.peakThreads == 1 ? "" : "s")"
                let speedup = "\(NumberFormat.fixed(limit.speedupAtPeak, decimals: 2))× the fewest"
                if limit.peakThreads == limit.maxThreads { return "\(limit.selector) still rising at \(threads) (\(speedup))" }
                return limit.speedupAtPeak == 1 ? "\(limit.selector) \(threads) (no gain from more)"
                    : "\(limit.selector) \(threads) (\(speedup))"
            }
            var line = "- Scaling: picks/s stops rising (by \(Int(Self.scalingGain * 100))% or more) after "
                + limits.joined(separator: "; ") + "."
            if let maxThreads = scaling.map(\.maxThreads).max(), maxThreads > cores {
                line += " The machine has \(cores) cores: above \(cores) threads, workers share cores."
            }
            lines.append(line)
        }
        if problems.isEmpty && timeSlicedCells == 0 {
            lines.append("- Failures: none. No connection leaked, every pick was served, all workers of every cell "
                + "ran at once, and no multi-thread cell found the machine busy (\(Self.busyMachineTest)).")
        } else {
            if !problems.isEmpty {
                lines.append("- **Failures: \(problems.count) (the warnings above).**")
            }
            if timeSlicedCells > 0 {
                lines.append("- **Busy machine: \(timeSlicedCells) of \(multiThreadCells) multi-thread cells found it busy "
                    + "(\(Self.busyMachineTest)); their contention and scaling are understated.**")
            }
        }
        return lines
    }

    /// `figure` of each selector's runs, with the selector's name and cell count, in first-seen order.
    private static func bySelector<Figure>(
        _ runs: [RunResult], _ figure: ([RunResult]) -> Figure
    ) -> [(String, Figure, Int)] {
        var order: [String] = []
        var groups: [String: [RunResult]] = [:]
        for run in runs {
            let name = selectorName(run)
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(run)
        }
        return order.map { ($0, figure(groups[$0]!), groups[$0]!.count) }
    }

    /// Per selector: groups its cells by everything but threads, normalises each group's picks/s
    /// by its fewest-threads cell, takes the median per thread count over groups, and finds the
    /// first thread count no larger count beats by `scalingGain`.
    private static func scalingLimits(_ runs: [RunResult]) -> [ScalingLimit] {
        guard Set(runs.map(\.threads)).count > 1 else { return [] }
        return bySelector(runs) { runs -> ScalingLimit? in
            var groups: [String: [RunResult]] = [:]
            for run in runs {
                groups["\(run.workload)/\(run.servers)/\(run.concurrency)/\(run.weights)/\(run.machine?.date ?? "")",
                       default: []].append(run)
            }
            var speedups: [Int: [Double]] = [:]
            for group in groups.values where Set(group.map(\.threads)).count > 1 {
                guard let fewest = group.min(by: { $0.threads < $1.threads }), fewest.picksPerSecond > 0 else { continue }
                for run in group { speedups[run.threads, default: []].append(run.picksPerSecond / fewest.picksPerSecond) }
            }
            let threadCounts = speedups.keys.sorted()
            guard threadCounts.count > 1 else { return nil }
            let median = threadCounts.map { Median.of(speedups[$0]!) }
            let peak = threadCounts.indices.first { index in
                !median[(index + 1)...].contains { $0 > median[index] * (1 + scalingGain) }
            }!
            return ScalingLimit(selector: "", peakThreads: threadCounts[peak], maxThreads: threadCounts.last!,
                                speedupAtPeak: median[peak])
        }.compactMap { name, limit, _ in
            limit.map { var named = $0; named.selector = name; return named }
        }
    }

    private static func selectorName(_ run: RunResult) -> String {
        RunResult.selectorName(run.selector, lock: run.lock)
    }

    /// `6`, `6 and 4`, `6, 6 and 4`.
    private static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    private static func ns(_ value: Double) -> String { "\(NumberFormat.fixed(value, decimals: 0)) ns" }
    private static func jain(_ value: Double) -> String { NumberFormat.fixed(value, decimals: 3) }
}
