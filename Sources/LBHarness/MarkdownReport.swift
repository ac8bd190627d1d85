import LBReporting
import LBWorkloads

/// The human report: the machine context and how to read the numbers, then one table per
/// workload with a row per cell.
public enum MarkdownReport {
    /// The report, ending with a newline.
    ///
    /// - Complexity: O(runs × workloads).
    public static func render(_ document: ResultsDocument) -> String {
        var lines = header(document)
        lines += [""] + Findings(document).markdown
        var workloads: [Workload] = []
        for run in document.runs where !workloads.contains(run.workload) { workloads.append(run.workload) }
        let machines = document.mergedMachines
        for workload in workloads {
            let runs = document.runs.filter { $0.workload == workload }
            lines.append("")
            lines.append("## \(workload): \(workload.summary)" + farmNote(workload, runs))
            lines.append("")
            lines.append(contentsOf: table(runs, machines: machines))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// For a workload with a farm of its own (`video`: 3 servers weighted 2,1,1) whose runs
    /// used other weights (`--weights`, `--servers`): what they used, so the heading does not
    /// describe a farm the table never ran. Empty otherwise.
    ///
    /// - Complexity: O(runs × servers).
    static func farmNote(_ workload: Workload, _ runs: [RunResult]) -> String {
        guard let own = workload.defaultWeights else { return "" }
        var farms: [[Int]] = []
        for run in runs where run.weights != own && !farms.contains(run.weights) { farms.append(run.weights) }
        guard !farms.isEmpty else { return "" }
        let described = farms.prefix(3).map { farm in
            farm.count <= 16 ? "\(farm.count) servers weighted \(farm.map(String.init).joined(separator: ","))" : "\(farm.count) servers"
        }
        let list = described.joined(separator: "; ") + (farms.count > 3 ? "; …" : "")
        return runs.contains { $0.weights == own } ? " (**this run also:** \(list))" : " (**this run instead:** \(list))"
    }

    static func header(_ document: ResultsDocument) -> [String] {
        let machine = document.machine
        var lines = ["# lbbench results", ""]
        if machine.isDebugBuild {
            lines.append("**DEBUG BUILD: THESE NUMBERS DO NOT REPRESENT RELEASE PERFORMANCE. Run `swift run -c release lbbench`.**")
            lines.append("")
        }
        let timer = NumberFormat.fixed(machine.timerOverheadNs, decimals: 0)
        lines += [
            "- Machine: \(machine.cpu), \(machine.cores) cores, \(machine.os), Swift \(machine.swift), "
                + "\(machine.build) build, \(machine.date)",
            "- Timer: \(machine.timer), \(timer) ns per read (median of back-to-back reads). "
                + "Latencies are raw: each includes about one timer read.",
            "- Length: \(document.length); seed \(document.runs.first.map { String($0.seed) } ?? "none"). "
                + "picks/s counts whole event-loop steps (release, pick, duration draw, heap update, 3 timer reads).",
            "- Contention: for lock-based selectors, % of lock acquisitions that found the lock held and "
                + "ns waited per pick; for lock-free ones, CAS retries per pick. Counted only when a tryLock or "
                + "a compare-and-swap fails, so uncontended calls pay nothing for it.",
            "- Fairness: jainLoad is Jain's index of weight-normalised active counts (1 = even, 1/n = all on one), "
                + "peak/mean their max over mean, both averaged over snapshots taken by worker 0 every "
                + "loadSampleInterval of its steps (by default max(256, 4 × servers)), outside the timed calls.",
        ]
        for (index, merged) in document.mergedMachines.enumerated() {
            lines.append("- Machine \(index + 1) (the machine column): \(merged.oneLine)")
        }
        lines.append("- on CPU: the workers' CPU time over wall time, i.e. how many really ran at once. run queue: "
            + "how many were ready with no core free (preempted by other work, or more threads than cores); "
            + "lock sleep: how many were blocked by their own choice (a lock's futex waits), cores idle. "
            + "on CPU + run queue + lock sleep ≈ threads (from /proc/thread-self/schedstat and status; — where "
            + "the kernel gives none).")
        let multiThreaded = document.runs.filter { $0.threads > 1 }.count
        let sliced = document.timeSlicedRuns
        let busy = sliced.filter { $0.scheduling != nil }.count
        if busy > 0 {
            lines.append("- **\(busy) of \(multiThreaded) multi-thread cells waited for free cores for more than "
                + "10% of the cores they could use, preempted (busy machine): their contention and scaling "
                + "are understated.**")
        }
        let unexplained = sliced.count - busy
        if unexplained > 0 {
            lines.append("- \(unexplained) of \(multiThreaded) multi-thread cells got less than 90% of a core per core "
                + "they could use, and carry no scheduler statistics (written before they were recorded, or by a "
                + "kernel without them): a busy machine cannot be told from a lock's sleeps there.")
        }
        let sleeping = document.lockSleepRuns.count
        if sleeping > 0 {
            lines.append("- Lock sleep: in \(sleeping) of \(multiThreaded) multi-thread cells the workers slept by their "
                + "own choice for more than 10% of their time: low on CPU there is the lock, not the machine.")
        }
        let problems = document.problems
        if problems.isEmpty {
            lines.append("- Workers: in every cell all workers were inside their measured loops at once; "
                + "no connection leaked.")
        } else {
            lines.append("")
            lines += problems.map { "**WARNING: \($0)**" }
        }
        return lines
    }

    /// The workload's table; with a machine column (the run's number in `machines`) when the
    /// runs come from several machines.
    ///
    /// - Complexity: O(runs + machines) expected: each run's number is looked up by hash.
    static func table(_ runs: [RunResult], machines: [MachineContext] = []) -> [String] {
        var numbers: [MachineContext: Int] = [:]
        for (index, machine) in machines.enumerated() where numbers[machine] == nil { numbers[machine] = index + 1 }
        let columns = [
            "selector", "lock", "servers", "threads", "on CPU", "run queue", "lock sleep", "picks/s", "vs 1 thread",
            "pick p50 ns", "p99", "p99.9", "release p50 ns", "contention", "jainLoad", "peak/mean",
        ]
        let alignments = [.left, .left] + Array(repeating: MarkdownTable.Alignment.right, count: columns.count - 2)
        var table = machines.isEmpty
            ? MarkdownTable(columns, alignments: alignments)
            : MarkdownTable(["machine"] + columns, alignments: [.right] + alignments)
        for run in runs {
            let machineCell = run.machine.flatMap { numbers[$0] }.map { [String($0)] } ?? []
            let scaling = run.scalingVsOneThread.map { "\(NumberFormat.fixed($0, decimals: 2))×" } ?? "—"
            let cells = [
                run.selector.rawValue, run.lock?.rawValue ?? "—", NumberFormat.grouped(run.servers), String(run.threads),
                NumberFormat.fixed(run.cpuParallelism, decimals: 2),
                run.scheduling.map { NumberFormat.fixed($0.runQueueWait, decimals: 2) } ?? "—",
                run.scheduling.map { NumberFormat.fixed($0.voluntarySleep, decimals: 2) } ?? "—",
                NumberFormat.rate(run.picksPerSecond), run.threads == 1 ? "—" : scaling,
                NumberFormat.nanoseconds(run.pickLatencyNs.p50), NumberFormat.nanoseconds(run.pickLatencyNs.p99),
                NumberFormat.nanoseconds(run.pickLatencyNs.p999), NumberFormat.nanoseconds(run.releaseLatencyNs.p50),
                contention(run.contention), NumberFormat.fixed(run.fairness.jainLoad, decimals: 3),
                NumberFormat.fixed(run.fairness.peakToMeanLoad, decimals: 2),
            ]
            table.append(machines.isEmpty ? cells : (machineCell.isEmpty ? [""] : machineCell) + cells)
        }
        return table.lines
    }

    /// `"3.1% held, 12 ns/pick"`, `"0.02 retries/pick"` or `"—"`.
    static func contention(_ figures: ContentionFigures) -> String {
        if let fraction = figures.lockContendedFraction, let wait = figures.lockWaitNsPerPick {
            return "\(NumberFormat.fixed(fraction * 100, decimals: 1))% held, \(NumberFormat.fixed(wait, decimals: 0)) ns/pick"
        }
        if let retries = figures.casRetriesPerPick {
            return "\(NumberFormat.fixed(retries, decimals: 3)) retries/pick"
        }
        return "—"
    }
}
