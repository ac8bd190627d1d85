import Foundation
import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

@Suite("Reports")
struct ReportTests {
    /// A small matrix, run once for all report tests.
    static let document: ResultsDocument = {
        let cells = try! MatrixConfiguration(
            serverCounts: [4], threadCounts: [1, 2], workloads: [.uniform, .video], length: .picks(5_000)
        ).cells()
        return try! Harness.run(cells)
    }()

    static let runKeys: Set<String> = [
        "selector", "workload", "servers", "threads", "concurrency", "weights", "seed", "picks", "seconds",
        "picksPerSecond", "pickLatencyNs", "releaseLatencyNs", "contention", "fairness", "perServer",
        "leakedConnections",
    ]
    static let latencyKeys: Set<String> = ["p50", "p90", "p99", "p999", "max", "mean"]

    @Test("the JSON parses and carries every contract field")
    func jsonContract() throws {
        let text = try JSONReport.render(Self.document)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["schema"] as? String == "lbbench.results/1")
        let machine = try #require(root["machine"] as? [String: Any])
        for key in ["cpu", "cores", "os", "swift", "build", "date", "timerOverheadNs"] {
            #expect(machine[key] != nil, "machine.\(key) missing")
        }
        let runs = try #require(root["runs"] as? [[String: Any]])
        #expect(runs.count == Self.document.runs.count && !runs.isEmpty)
        for run in runs {
            #expect(Self.runKeys.isSubset(of: run.keys), "missing \(Self.runKeys.subtracting(run.keys))")
            for latency in ["pickLatencyNs", "releaseLatencyNs"] {
                let summary = try #require(run[latency] as? [String: Any])
                #expect(Set(summary.keys) == Self.latencyKeys)
            }
            let contention = try #require(run["contention"] as? [String: Any])
            #expect(Set(contention.keys) == ["lockContendedFraction", "lockWaitNsPerPick", "casRetriesPerPick"])
            let fairness = try #require(run["fairness"] as? [String: Any])
            #expect(Set(fairness.keys) == ["jainAssignments", "jainLoad", "peakToMeanLoad"])
            let perServer = try #require(run["perServer"] as? [String: Any])
            let servers = try #require(run["servers"] as? Int)
            #expect((perServer["picks"] as? [Any])?.count == servers)
            #expect((perServer["meanActive"] as? [Any])?.count == servers)
            #expect(run["leakedConnections"] as? Int == 0)
            #expect(run["weights"] as? [Int] != nil)
        }
    }

    @Test("the JSON reads back into the same document")
    func jsonRoundTrip() throws {
        let parsed = try JSONReport.parse(Data(try JSONReport.render(Self.document).utf8))
        #expect(parsed == Self.document)
    }

    @Test("markdown: the machine header, one table per workload, a row per run")
    func markdown() {
        let text = MarkdownReport.render(Self.document)
        #expect(text.contains("- Machine: "))
        #expect(text.contains("ns per read"))
        #expect(text.contains("## uniform: ") && text.contains("## video: "))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| selector") }
        #expect(rows.count == Self.document.runs.count)
        #expect(text.contains("DEBUG BUILD") == Self.document.machine.isDebugBuild)
    }

    @Test("CSV: comment header, then one row per run with every column")
    func csv() {
        let lines = CSVReport.render(Self.document).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let data = lines.filter { !$0.hasPrefix("#") }
        #expect(data.count == Self.document.runs.count + 1)
        let columns = data[data.startIndex].split(separator: ",").count
        #expect(data.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
    }

    /// A run whose every figure a report prints differs from the others, so a value under the
    /// wrong column shows.
    static let distinctRun: RunResult = {
        var run = MadeUpResults.run(.minHeap, lock: .mutex, threads: 2, cpuParallelism: 1.5)
        run.pickLatencyNs = LatencySummary(p50: 40, p90: 70, p99: 100, p999: 200, max: 300, mean: 45)
        run.releaseLatencyNs = LatencySummary(p50: 30, p90: 31, p99: 32, p999: 33, max: 34, mean: 30.5)
        run.contention = ContentionFigures(lockContendedFraction: 0.031, lockWaitNsPerPick: 12, casRetriesPerPick: nil)
        run.fairness = FairnessFigures(jainAssignments: 0.97, jainLoad: 0.9, peakToMeanLoad: 1.25)
        run.scheduling = SchedulingFigures(
            runQueueWait: 0.4, voluntarySleep: 0.15, voluntaryContextSwitches: 17, involuntaryContextSwitches: 3)
        return run
    }()

    /// The cells of the Markdown table row that starts with `row`, by the column names of the
    /// header that starts with `header`; `nil` when either line is missing.
    static func markdownRow(_ text: String, header: String, row: String) -> [String: String]? {
        let lines = text.split(separator: "\n")
        guard let names = lines.first(where: { $0.hasPrefix(header) }), let cells = lines.first(where: { $0.hasPrefix(row) })
        else { return nil }
        let split = { (line: Substring) in line.dropFirst(2).dropLast(2).split(separator: " | ", omittingEmptySubsequences: false) }
        return byColumn(split(names), split(cells))
    }

    /// The fields of the CSV row that starts with `row`, by the names of the first line that is
    /// not a `#` comment; `nil` when either line is missing.
    static func csvRow(_ text: String, row: String) -> [String: String]? {
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let names = lines.first, let fields = lines.first(where: { $0.hasPrefix(row) }) else { return nil }
        return byColumn(names.split(separator: ","), fields.split(separator: ",", omittingEmptySubsequences: false))
    }

    static func byColumn(_ names: [Substring], _ cells: [Substring]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(names.map(String.init), cells.map(String.init)))
    }

    /// Guards the Markdown table's cells (mutants that printed the p99.9 under p99, the pick p50
    /// under release p50, and the contended fraction as a fraction under a percent sign survived
    /// without it: the other tests count rows and read only the on-CPU columns).
    @Test("each cell of a Markdown row holds the value its column names")
    func markdownCells() {
        let text = MarkdownReport.render(MadeUpResults.document([Self.distinctRun]))
        #expect(Self.markdownRow(text, header: "| selector |", row: "| min-heap |") == [
            "selector": "min-heap", "lock": "mutex", "servers": "8", "threads": "2", "on CPU": "1.50", "run queue": "0.40",
            "lock sleep": "0.15", "picks/s": "1.00 M", "vs 1 thread": "—", "pick p50 ns": "40", "p99": "100", "p99.9": "200",
            "release p50 ns": "30", "contention": "3.1% held, 12 ns/pick", "jainLoad": "0.900", "peak/mean": "1.25",
        ])
    }

    /// Guards the CSV's fields (mutants that swapped the p90 and p99 fields, and wrote jainLoad
    /// as jainAssignments and the lock sleep as the run-queue wait, survived without it: the other
    /// test counts fields).
    @Test("each field of a CSV row holds the value its column names")
    func csvFields() throws {
        let fields = try #require(Self.csvRow(CSVReport.render(MadeUpResults.document([Self.distinctRun])), row: "min-heap,"))
        let expected = [
            "threads": "2", "pickP50Ns": "40", "pickP90Ns": "70", "pickP99Ns": "100", "pickP999Ns": "200", "pickMaxNs": "300",
            "pickMeanNs": "45.0", "releaseP50Ns": "30", "releaseP90Ns": "31", "releaseP99Ns": "32", "releaseP999Ns": "33",
            "releaseMaxNs": "34", "releaseMeanNs": "30.5", "lockContendedFraction": "0.031", "lockWaitNsPerPick": "12.0",
            "casRetriesPerPick": "", "jainAssignments": "0.97", "jainLoad": "0.9", "peakToMeanLoad": "1.25",
            "cpuParallelism": "1.5", "runQueueWait": "0.4", "voluntarySleep": "0.15", "voluntaryContextSwitches": "17",
            "involuntaryContextSwitches": "3", "machine": "",
        ]
        for (column, value) in expected { #expect(fields[column] == value, "\(column)") }
    }
}
