import Foundation
import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

/// `RunResult`'s JSON contract (`docs/formats.md`, "`lbbench.results/1`"): typed fields written by their command-line
/// names, every optional field written as `null` rather than left out, and the published
/// results under `results/` still read.
@Suite("RunResult JSON")
struct RunResultJSONTests {
    /// A lock-free cell with no one-thread cell to compare with: `lock`, `scalingVsOneThread`,
    /// `scheduling` and `machine` are all empty.
    static let lockFree = MadeUpResults.run(.p2c, workload: .heavyTail)

    static func object(_ run: RunResult) throws -> [String: Any] {
        let data = try JSONEncoder().encode(run)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("empty optional fields are written as null, not left out")
    func nullFields() throws {
        let run = Self.lockFree
        #expect(run.lock == nil && run.scalingVsOneThread == nil && run.scheduling == nil && run.machine == nil)
        let object = try Self.object(run)
        for key in ["lock", "scalingVsOneThread", "scheduling", "machine"] {
            #expect(object.keys.contains(key), "\(key) left out")
            #expect(object[key] is NSNull, "\(key) is \(String(describing: object[key])), not null")
        }
    }

    @Test("selector, lock and workload are written as their command-line names and read back")
    func namesRoundTrip() throws {
        var run = MadeUpResults.run(.linearScan, lock: .combining, workload: .longLived)
        run.scalingVsOneThread = 1.5
        let object = try Self.object(run)
        #expect(object["selector"] as? String == "linear-scan")
        #expect(object["lock"] as? String == "combining")
        #expect(object["workload"] as? String == "long-lived")
        #expect(object["scalingVsOneThread"] as? Double == 1.5)
        #expect(try JSONDecoder().decode(RunResult.self, from: JSONEncoder().encode(run)) == run)
        #expect(try JSONDecoder().decode(RunResult.self, from: JSONEncoder().encode(Self.lockFree)) == Self.lockFree)
    }

    @Test("a selector name the catalogue does not know is refused, not misread")
    func unknownSelector() throws {
        var object = try Self.object(Self.lockFree)
        object["selector"] = "fastest-ever"
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RunResult.self, from: data) }
    }

    @Test("the row name is built from the typed fields")
    func rowName() {
        #expect(MadeUpResults.run(.minHeap, lock: .spin, threads: 2).name == "min-heap+spin/uniform/servers:8/threads:2")
        #expect(Self.lockFree.name == "p2c/heavy-tail/servers:8/threads:1")
    }

    /// The results published under `results/`, found from this file's path.
    static let publishedResults: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return folders.sorted().flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
                .filter { $0.hasSuffix(".json.gz") }.sorted()
                .map { root.appendingPathComponent(folder).appendingPathComponent($0).path }
        }
    }()

    @Test("every published results file reads into typed runs and writes back the same names")
    func publishedResultsRead() throws {
        #expect(Self.publishedResults.count >= 2, "results/ holds \(Self.publishedResults)")
        for file in Self.publishedResults {
            let document = try ResultsFileReader.document(atPath: file)
            #expect(!document.runs.isEmpty, "\(file)")
            let reread = try JSONDecoder().decode(ResultsDocument.self, from: JSONEncoder().encode(document))
            #expect(reread == document, "\(file) does not survive a write and a read")
        }
    }
}
