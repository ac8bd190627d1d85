import Foundation
import LBHarness
import Testing

@Suite("Results files: gzip and machine matching")
struct ResultsFileReaderTests {
    static let document = MadeUpResults.document([
        MadeUpResults.run(.roundRobin), MadeUpResults.run(.minHeap, lock: .mutex, threads: 2),
    ])

    @Test("a gzipped results document reads back like the plain one")
    func gzipDocument() throws {
        let json = Data(try JSONReport.render(Self.document).utf8)
        let plain = try ResultsFileReader.document(from: json, file: "a.json")
        let gzipped = try ResultsFileReader.document(from: MadeUpResults.gzipStored(json), file: "a.json.gz")
        #expect(plain == Self.document)
        #expect(gzipped == Self.document)
    }

    @Test("gzip: several blocks, concatenated members, empty content")
    func gzipShapes() throws {
        let big = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(try GzipDecoder.decompress(MadeUpResults.gzipStored(big)) == big)
        let two = MadeUpResults.gzipStored(Data("abc".utf8)) + MadeUpResults.gzipStored(Data("def".utf8))
        #expect(try GzipDecoder.decompress(two) == Data("abcdef".utf8))
        #expect(try GzipDecoder.decompress(MadeUpResults.gzipStored(Data())) == Data())
    }

    @Test("gzip: truncated, corrupted and oversized input are errors, not crashes")
    func gzipErrors() throws {
        let member = MadeUpResults.gzipStored(Data(repeating: 7, count: 1_000))
        #expect(throws: GzipError.self) { try GzipDecoder.decompress(member.prefix(member.count - 9)) }
        var corrupted = member
        corrupted[corrupted.startIndex + corrupted.count - 5] ^= 0xFF  // the length trailer
        #expect(throws: GzipError.self) { try GzipDecoder.decompress(corrupted) }
        #expect(throws: GzipError.tooLarge(limit: 999)) { try GzipDecoder.decompress(member, limit: 999) }
        #expect(try GzipDecoder.decompress(member, limit: 1_000).count == 1_000)
    }

    @Test("not results, gzip of not results, and another schema are refused with the file's name")
    func refusals() throws {
        #expect(throws: ResultsFileError.notResults(file: "x", reason: nil)) {
            try ResultsFileReader.document(from: Data("{}".utf8), file: "x")
        }
        #expect(throws: ResultsFileError.notResults(file: "x.gz", reason: nil)) {
            try ResultsFileReader.document(from: MadeUpResults.gzipStored(Data("[1]".utf8)), file: "x.gz")
        }
        var other = Self.document
        other.schema = "lbbench.results/2"
        let data = Data(try JSONReport.render(other).utf8)
        #expect(throws: ResultsFileError.otherSchema(file: "y", schema: "lbbench.results/2")) {
            try ResultsFileReader.document(from: data, file: "y")
        }
    }

    @Test("the same machine despite another kernel build; another CPU, core count or build is not")
    func machineMatching() {
        let machine = MadeUpResults.machine(kernel: "6.1.0-13-amd64")
        #expect(machine.operatingSystemWithoutKernelRelease == "Debian GNU/Linux 12 (bookworm), Linux")
        #expect(machine.sameMachine(as: MadeUpResults.machine(kernel: "6.18.44-fc-v669")))
        #expect(!machine.sameMachine(as: MadeUpResults.machine(cpu: "Other CPU")))
        #expect(!machine.sameMachine(as: MadeUpResults.machine(cores: 16)))
        #expect(!machine.sameMachine(as: MadeUpResults.machine(build: "debug")))
    }

    /// Guards the Swift version and the distribution in `sameMachine` (a mutant that left the
    /// Swift version out survived without it: the test above varies only CPU, cores, build and kernel).
    @Test("another Swift version or another distribution is another machine")
    func swiftAndDistribution() {
        let machine = MadeUpResults.machine()
        var otherSwift = machine
        otherSwift.swift = "6.2"
        #expect(!machine.sameMachine(as: otherSwift))
        var otherDistribution = machine
        otherDistribution.os = "Ubuntu 24.04 LTS, Linux 6.1.0"
        #expect(!machine.sameMachine(as: otherDistribution))
    }

    /// Guards the second condition of `merge` (a mutant that tagged runs only when the incoming
    /// machine differed survived without it): once a document holds several machines, runs merged
    /// from its own machine must carry theirs too, or their rows lose the machine column's number.
    @Test("after another machine's runs, runs merged from the document's own machine are tagged too")
    func ownMachineAfterMixing() {
        var merged = MadeUpResults.document([MadeUpResults.run(.roundRobin)])
        merged.merge(MadeUpResults.document([MadeUpResults.run(.p2c)], machine: MadeUpResults.machine(cores: 16)))
        let own = MadeUpResults.machine(kernel: "6.2")
        merged.merge(MadeUpResults.document([MadeUpResults.run(.sharded)], machine: own))
        #expect(merged.runs.allSatisfy { $0.machine != nil })
        #expect(merged.runs.last?.machine == own)
    }

    @Test("a run repeated in another document (a copy) is merged once; another measurement of the same cell is kept")
    func repeatedRuns() {
        let first = MadeUpResults.document([MadeUpResults.run(.p2c), MadeUpResults.run(.roundRobin)])
        var merged = first
        #expect(merged.merge(first) == 2)
        #expect(merged.runs == first.runs)
        var again = MadeUpResults.run(.p2c)
        again.seconds += 0.001
        #expect(merged.merge(MadeUpResults.document([again, MadeUpResults.run(.roundRobin)])) == 1)
        #expect(merged.runs.map(\.selector) == [.p2c, .roundRobin, .p2c])
        // The same figures from another machine are not a repeat: they are kept with their machine.
        #expect(merged.merge(MadeUpResults.document([MadeUpResults.run(.p2c)], machine: MadeUpResults.machine(cores: 16))) == 0)
        #expect(merged.runs.count == 4)
    }

    @Test("merging another machine's runs tags every run with its machine; the Markdown gets a machine column")
    func mixedMachines() {
        var merged = MadeUpResults.document([MadeUpResults.run(.roundRobin)])
        var same = MadeUpResults.document([MadeUpResults.run(.p2c)], machine: MadeUpResults.machine(kernel: "6.2"))
        merged.merge(same)
        #expect(merged.mergedMachines.isEmpty)
        same.machine = MadeUpResults.machine(cores: 16)
        merged.merge(same)
        #expect(merged.mergedMachines == [merged.machine, same.machine])
        #expect(merged.runs.allSatisfy { $0.machine != nil })
        let text = MarkdownReport.render(merged)
        #expect(text.contains("- Machine 2 (the machine column): Test CPU, 16 cores"))
        #expect(text.contains("| machine | selector |"))
        #expect(text.contains("| 2 | p2c |"))
        #expect(!MarkdownReport.render(MadeUpResults.document([MadeUpResults.run(.p2c)])).contains("machine |"))
    }

    @Test("many distinct machines: numbered in order of first appearance, each run's row names its own")
    func manyMachines() {
        // 600 runs on 200 machines, each machine's runs apart: 0, 1, …, 199, 0, 1, …
        let machines = (0..<200).map { MadeUpResults.machine(cores: $0 + 1) }
        var runs: [RunResult] = []
        for round in 0..<3 {
            for (index, machine) in machines.enumerated() {
                var run = MadeUpResults.run(.p2c, threads: round + 1)
                run.seconds += Double(index)
                run.machine = machine
                runs.append(run)
            }
        }
        let document = MadeUpResults.document(runs)
        #expect(document.mergedMachines == machines)
        #expect(document.runMachines == machines)
        let rows = MarkdownReport.render(document).split(separator: "\n").filter { $0.hasSuffix("|") && $0.contains(" p2c |") }
        #expect(rows.count == 600)
        #expect(rows.enumerated().allSatisfy { index, row in row.hasPrefix("| \(index % 200 + 1) | p2c |") })
    }
}
