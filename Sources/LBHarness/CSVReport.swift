import Foundation
import LBReporting

/// One row per run, for spreadsheets and scripts; the machine context comes first as `#`
/// comment lines (pandas: `read_csv(..., comment="#")`). Weights are joined with `;` so no
/// field needs quoting; empty fields are `null` in the JSON.
public enum CSVReport {
    static let columns = [
        "selector", "lock", "workload", "servers", "threads", "concurrency", "weights", "seed", "picks", "seconds",
        "picksPerSecond", "scalingVsOneThread",
        "pickP50Ns", "pickP90Ns", "pickP99Ns", "pickP999Ns", "pickMaxNs", "pickMeanNs",
        "releaseP50Ns", "releaseP90Ns", "releaseP99Ns", "releaseP999Ns", "releaseMaxNs", "releaseMeanNs",
        "lockContendedFraction", "lockWaitNsPerPick", "casRetriesPerPick",
        "jainAssignments", "jainLoad", "peakToMeanLoad",
        "leakedConnections", "unservedPicks", "workersOverlapped", "cpuParallelism",
        "runQueueWait", "voluntarySleep", "voluntaryContextSwitches", "involuntaryContextSwitches", "machine",
    ]

    /// The report, ending with a newline.
    ///
    /// - Complexity: O(runs).
    public static func render(_ document: ResultsDocument) -> String {
        let machine = document.machine
        var lines = [
            "# lbbench results (\(document.schema)): \(machine.cpu); \(machine.cores) cores; \(machine.os); "
                + "Swift \(machine.swift); \(machine.build) build; \(machine.date)",
            "# timer \(machine.timer): \(NumberFormat.fixed(machine.timerOverheadNs, decimals: 0)) ns per read, "
                + "included in every latency; length: \(document.length)",
        ]
        if machine.isDebugBuild { lines.append("# DEBUG BUILD: NOT REPRESENTATIVE") }
        lines.append(columns.joined(separator: ","))
        for run in document.runs {
            let fields: [String] = [
                run.selector.rawValue, run.lock?.rawValue ?? "", run.workload.rawValue, String(run.servers), String(run.threads),
                String(run.concurrency), run.weights.map(String.init).joined(separator: ";"), String(run.seed),
                String(run.picks), number(run.seconds), number(run.picksPerSecond), number(run.scalingVsOneThread),
            ] + latency(run.pickLatencyNs) + latency(run.releaseLatencyNs) + [
                number(run.contention.lockContendedFraction), number(run.contention.lockWaitNsPerPick),
                number(run.contention.casRetriesPerPick), number(run.fairness.jainAssignments),
                number(run.fairness.jainLoad), number(run.fairness.peakToMeanLoad),
                String(run.leakedConnections), String(run.unservedPicks), String(run.workersOverlapped),
                number(run.cpuParallelism), number(run.scheduling?.runQueueWait),
                number(run.scheduling?.voluntarySleep),
                run.scheduling.map { String($0.voluntaryContextSwitches) } ?? "",
                run.scheduling.map { String($0.involuntaryContextSwitches) } ?? "",
                machineLabel(run.machine),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run's machine in one line with its commas made `;`, or empty for the document's machine.
    private static func machineLabel(_ machine: MachineContext?) -> String {
        machine?.oneLine.replacingOccurrences(of: ",", with: ";") ?? ""
    }

    private static func latency(_ summary: LatencySummary) -> [String] {
        [summary.p50, summary.p90, summary.p99, summary.p999, summary.max].map { String($0) } + [number(summary.mean)]
    }

    private static func number(_ value: Double?) -> String {
        value.map { "\($0)" } ?? ""
    }
}
