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
}
