import ArgumentParser
import Foundation
import LBCommandLine
import LBHarness
import LBReporting
import LoadBalancing
import Testing

@testable import lbbench
import LBRandom

/// `lbbench report` against damaged and foreign input: a seeded fuzz of a real results file
/// (truncated, bytes flipped, numbers replaced by huge, negative and fractional ones, keys
/// dropped, other schemas and other JSON). Every input must end in a report (exit 0) or one
/// line and exit 64, never a crash; a crash stops the test process, which fails the suite.
@Suite("report fuzz")
struct ReportFuzzTests {
    /// A real results file: one small cell, run once for the suite.
    static let original: String = {
        let cells = try! MatrixConfiguration(
            selectors: [.p2c], serverCounts: [4], threadCounts: [1], workloads: [.uniform], length: .picks(2_000)
        ).cells()
        return try! JSONReport.render(try! Harness.run(cells))
    }()

    /// Numbers a hostile file might carry where the harness writes its own.
    static let hostileNumbers = [
        "1e308", "-1e308", "1e400", "-0", "0", "-1", "4.9e-324", "18446744073709551616", "9223372036854775807",
        "-9223372036854775808", "1.5", "123456789012345678901234567890", "null", "\"7\"", "[]", "{}", "true",
    ]

    /// Runs `report` in-process on `text` and returns its exit status (0 or 64).
    static func report(_ text: Data, in directory: URL, format: String) throws -> (status: Int32, line: String?) {
        let input = directory.appendingPathComponent("input.json")
        let output = directory.appendingPathComponent("report.out")
        try text.write(to: input)
        do {
            var command = try LBBench.parseChecked(["report", input.path, "--format", format, "--output", output.path])
            try command.run()
            return (0, nil)
        } catch {
            return (LBBench.exitCode(for: error).rawValue, UsageError.line(for: error, command: LBBench.self))
        }
    }

    /// One mutation of `text`, chosen and placed by `random`.
    static func mutate(_ text: String, using random: inout SplitMix64) -> Data {
        var bytes = Array(text.utf8)
        switch random.next() % 6 {
        case 0:  // truncated anywhere
            bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
        case 1:  // a few bytes overwritten with arbitrary ones
            for _ in 0..<(1 + random.next() % 8) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
        case 2, 3:  // one number replaced by a hostile value
            let digits = bytes.indices.filter { (bytes[$0] == UInt8(ascii: ":")) && $0 + 2 < bytes.count
                && (bytes[$0 + 2] == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0 + 2])) }
            guard let colon = digits.isEmpty ? nil : digits[Int(random.next() % UInt64(digits.count))] else { break }
            var end = colon + 2
            while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let value = hostileNumbers[Int(random.next() % UInt64(hostileNumbers.count))]
            bytes.replaceSubrange((colon + 2)..<end, with: Array(value.utf8))
        case 4:  // one line (a key, or part of an array) dropped
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.remove(at: Int(random.next() % UInt64(lines.count)))
            bytes = Array(lines.joined(separator: "\n").utf8)
        default:  // another schema, or other JSON altogether
            let others = [
                text.replacingOccurrences(of: "lbbench.results/1", with: "lbbench.results/2"),
                text.replacingOccurrences(of: "lbbench.results/1", with: "lbbench.simulation/1"),
                "", "{}", "[]", "null", "\"lbbench.results/1\"", "{\"schema\": \"lbbench.results/1\"}",
                "{\"schema\": \"lbbench.results/1\", \"machine\": {}, \"length\": \"\", \"runs\": []}",
                String(repeating: "[", count: 100_000),
            ]
            bytes = Array(others[Int(random.next() % UInt64(others.count))].utf8)
        }
        return Data(bytes)
    }

    @Test("the original file renders in every format")
    func original() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in OutputFormat.allCases {
            #expect(try Self.report(Data(Self.original.utf8), in: directory, format: format.rawValue).status == 0)
        }
    }

    @Test("400 seeded mutations: a report or one line and exit 64, never a crash")
    func mutations() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix64(seed: 11)
        var refused = 0
        let formats = OutputFormat.allCases.map(\.rawValue)
        for iteration in 0..<400 {
            let input = Self.mutate(Self.original, using: &random)
            let outcome = try Self.report(input, in: directory, format: formats[iteration % formats.count])
            #expect(outcome.status == 0 || outcome.status == 64, "mutation \(iteration): exit \(outcome.status)")
            if outcome.status == 64 {
                refused += 1
                let line = try #require(outcome.line)
                #expect(line.hasPrefix("Error: ") && !line.contains("\n"), "mutation \(iteration): \(line)")
            }
        }
        // The fuzz really reaches the refusals: most mutations break the file.
        #expect(refused > 100)
    }

    @Test("a file larger than the memory budget allows is refused before it is read")
    func oversized() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("big.json")
        // A sparse 1 GiB file: nothing is written, and reading it would take seconds and 1 GiB.
        #expect(FileManager.default.createFile(atPath: input.path, contents: nil))
        let handle = try FileHandle(forWritingTo: input)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        var command = try LBBench.parseChecked(["report", input.path, "--memory-budget", "1GiB"])
        do {
            try command.run()
            Issue.record("a 1 GiB input was accepted under a 1 GiB budget")
        } catch {
            let line = try #require(UsageError.line(for: error, command: LBBench.self))
            #expect(line.contains("memory budget") && line.contains("1 GiB"), "\(line)")
        }
    }

    @Test("a directory or a device is refused, not read; a kernel file that reports 0 bytes is read no further", arguments: [
        (FileManager.default.temporaryDirectory.path, "not a regular file"), ("/dev/zero", "not a regular file"),
        // /proc files are regular files of size 0 (/proc/self/pagemap holds hundreds of GiB).
        ("/proc/self/status", "holds more than the 0 bytes it reported"),
    ])
    func notResultsFiles(path: String, refusal: String) throws {
        var command = try LBBench.parseChecked(["report", path])
        do {
            try command.run()
            Issue.record("\(path) was accepted")
        } catch {
            let line = try #require(UsageError.line(for: error, command: LBBench.self))
            #expect(line.contains(refusal), "\(line)")
        }
    }

    @Test("a file named twice by other spellings or through a link is read once; a link to a results file is followed")
    func sameFileOnce() throws {
        let counts = try Self.reportedRuns { directory in
            let input = directory.appendingPathComponent("input.json").path
            let link = directory.appendingPathComponent("link.json").path
            try Data(Self.original.utf8).write(to: URL(fileURLWithPath: input))
            #expect(symlink(input, link) == 0)
            return [input, directory.path + "/./input.json", link]
        }
        #expect(counts.merged == counts.original, "a file named three ways was merged more than once")
    }

    @Test("a copy of a results file (another file, the same runs) is reported once")
    func copiedFileOnce() throws {
        let counts = try Self.reportedRuns { directory in
            let files = ["input.json", "copy.json"].map { directory.appendingPathComponent($0) }
            for file in files { try Data(Self.original.utf8).write(to: file) }
            return files.map(\.path)
        }
        #expect(counts.merged == counts.original, "a copied file's runs were reported twice")
    }

    /// Runs `report --format json` on the files `inputs` writes into a temporary directory, and
    /// counts the runs of the merged report and of `original`.
    static func reportedRuns(_ inputs: (URL) throws -> [String]) throws -> (merged: Int, original: Int) {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("merged.json")
        var command = try LBBench.parseChecked(["report"] + inputs(directory) + ["--format", "json", "--output", output.path])
        try command.run()
        let merged = try JSONDecoder().decode(ResultsDocument.self, from: Data(contentsOf: output))
        let original = try JSONDecoder().decode(ResultsDocument.self, from: Data(Self.original.utf8))
        return (merged.runs.count, original.runs.count)
    }

    @Test("compare counts a file named twice on one side once, as report does; one file may be on both sides")
    func compareSameFileOnce() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.json").path
        let output = directory.appendingPathComponent("comparison.json").path
        try Data(Self.original.utf8).write(to: URL(fileURLWithPath: input))
        // Parsed as the binary parses (`parseChecked`): --base and --new may repeat.
        var command = try LBBench.parseChecked(["compare", "--base", input, "--base", directory.path + "/./input.json",
                                               "--new", input, "--format", "json", "--output", output])
        try command.run()
        let comparison = try JSONDecoder().decode(ResultsComparison.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(comparison.base.files == [input] && comparison.summary.matched == comparison.cells.count)
    }

    @Test("--output naming an input (by any spelling) is refused, and the input is untouched", arguments: ["report", "compare"])
    func outputIsNotAnInput(_ subcommand: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.json").path
        try Data(Self.original.utf8).write(to: URL(fileURLWithPath: input))
        let inputs = subcommand == "report" ? [input] : [input, input]
        var command = try LBBench.parseChecked([subcommand] + inputs + ["--output", directory.path + "/./input.json"])
        do {
            try command.run()
            Issue.record("\(subcommand) replaced its own input")
        } catch {
            let line = try #require(UsageError.line(for: error, command: LBBench.self))
            #expect(line.contains("--output") && line.contains("is the input"), "\(line)")
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == Self.original)
    }

    @Test("compare keeps to its memory budget like report: an input too large is refused before it is read")
    func compareBudget() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("big.json")
        #expect(FileManager.default.createFile(atPath: input.path, contents: nil))
        let handle = try FileHandle(forWritingTo: input)
        try handle.truncate(atOffset: 200 << 20)  // sparse: nothing is written
        try handle.close()
        var command = try LBBench.parseChecked(["compare", input.path, input.path, "--memory-budget", "1GiB"])
        do {
            try command.run()
            Issue.record("two 200 MiB inputs (× 6 to decode) were accepted under a 1 GiB budget")
        } catch {
            let line = try #require(UsageError.line(for: error, command: LBBench.self))
            #expect(line.contains("memory budget") && line.contains("--memory-budget"), "\(line)")
        }
    }

    @Test("a run no harness could have written is refused, naming the run and the field", arguments: [
        ("\"servers\" : 4", "\"servers\" : -5", "servers -5"),
        ("\"threads\" : 1", "\"threads\" : 0", "threads 0"),
        ("\"servers\" : 4", "\"servers\" : 5", "4 weights for 5 servers"),
        ("\"picks\" : 2000", "\"picks\" : -1", "picks -1"),
    ])
    func outOfRangeRun(_ original: String, _ replacement: String, _ named: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(Self.original.contains(original))
        let damaged = Self.original.replacingOccurrences(of: original, with: replacement)
        let outcome = try Self.report(Data(damaged.utf8), in: directory, format: "markdown")
        #expect(outcome.status == 64)
        let line = try #require(outcome.line)
        #expect(line.contains("run 1 (p2c)") && line.contains(named), "\(line)")
    }

    @Test("nested figures, the machine and an empty file are checked too", arguments: [
        ("machine cores 0", "cores 0"), ("timer -1", "timerOverheadNs -1"), ("jainLoad 5", "fairness.jainLoad 5"),
        ("picks per server short", "perServer.picks has 2 entries for 4 servers"), ("no runs", "no runs"),
        ("all drained", "every server is drained"), ("picks/s 1e308", "picksPerSecond"),
        ("timer 1e308", "timerOverheadNs"), ("sample interval 0", "loadSampleInterval 0"),
        ("scaling -1", "scalingVsOneThread -1"), ("contended 2", "contention.lockContendedFraction 2"),
        ("lock wait -1", "contention.lockWaitNsPerPick -1"), ("retries 1e308", "contention.casRetriesPerPick"),
        ("cpu with a line break", "cpu holds a line break"), ("os with a quote", "os holds a line break, a control character or a double quote"),
        ("cpu formula", "cpu begins with '='"), ("length with a line break", "length holds a line break"),
    ])
    func nestedFigures(_ change: String, _ named: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var root = try #require(try JSONSerialization.jsonObject(with: Data(Self.original.utf8)) as? [String: Any])
        var machine = try #require(root["machine"] as? [String: Any])
        var runs = try #require(root["runs"] as? [[String: Any]])
        var fairness = try #require(runs[0]["fairness"] as? [String: Any])
        var perServer = try #require(runs[0]["perServer"] as? [String: Any])
        var contention = try #require(runs[0]["contention"] as? [String: Any])
        switch change {
        case "machine cores 0": machine["cores"] = 0
        case "timer -1": machine["timerOverheadNs"] = -1
        case "jainLoad 5": fairness["jainLoad"] = 5
        case "picks per server short": perServer["picks"] = [1, 2]
        case "no runs": runs = []
        case "all drained": runs[0]["weights"] = [0, 0, 0, 0]
        case "timer 1e308": machine["timerOverheadNs"] = 1e308
        case "sample interval 0": runs[0]["loadSampleInterval"] = 0
        case "scaling -1": runs[0]["scalingVsOneThread"] = -1
        case "contended 2": contention["lockContendedFraction"] = 2
        case "lock wait -1": contention["lockWaitNsPerPick"] = -1
        case "retries 1e308": contention["casRetriesPerPick"] = 1e308
        case "cpu with a line break": machine["cpu"] = "x\nselector,lock"
        case "os with a quote": machine["os"] = "Linux \"6\""
        case "cpu formula": machine["cpu"] = "=1+2"
        case "length with a line break": root["length"] = "1 s\n- forged line"
        default: runs[0]["picksPerSecond"] = 1e308
        }
        if !runs.isEmpty {
            runs[0]["fairness"] = fairness
            runs[0]["perServer"] = perServer
            runs[0]["contention"] = contention
        }
        root["machine"] = machine
        root["runs"] = runs
        let outcome = try Self.report(try JSONSerialization.data(withJSONObject: root), in: directory, format: "markdown")
        #expect(outcome.status == 64, "\(change) was rendered")
        #expect(outcome.line?.contains(named) == true, "\(outcome.line ?? "")")
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-fuzz-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
