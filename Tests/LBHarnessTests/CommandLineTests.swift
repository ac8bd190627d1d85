import Foundation
import LBWorkloads
import LoadBalancing
import Testing

/// Runs the built `lbbench` executable and checks exit codes and messages.
@Suite("Command line")
struct CommandLineTests {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `lbbench` built next to this test binary (SwiftPM puts every product of a build in
    /// one directory).
    static let executable: URL = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent().appendingPathComponent("lbbench")

    /// A child that ran past its deadline; it was stopped by PID.
    struct TimedOut: Error, CustomStringConvertible {
        let arguments: [String]
        let seconds: Double
        var description: String { "lbbench \(arguments.joined(separator: " ")) ran past \(seconds) s and was killed" }
    }

    /// Runs `lbbench` (or another `executable`, such as a shell that sets limits first); one
    /// still running after `deadline` seconds is killed by its PID and the call throws.
    static func lbbench(_ arguments: [String], executable: URL = Self.executable, deadline: Double = 600) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Both pipes are read at once, each on a thread of its own, before waiting: a child
        // that fills one pipe while the test reads the other would block for ever.
        let outputData = PipeReader(output)
        let errorData = PipeReader(error)
        let end = Date().addingTimeInterval(deadline)
        while process.isRunning && Date() < end { usleep(5_000) }
        if process.isRunning {
            // Its process group (Foundation makes the child a group leader), so that nothing it
            // started keeps the pipes open; the readers are not waited for.
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TimedOut(arguments: arguments, seconds: deadline)
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, standardOutput: String(decoding: outputData.data(), as: UTF8.self),
                       standardError: String(decoding: errorData.data(), as: UTF8.self))
    }

    /// Reads a pipe to its end on a thread of its own.
    final class PipeReader: @unchecked Sendable {
        // @unchecked: `read` is written by the reading thread before `done` is signalled, and
        // read only after waiting for it.
        private var read = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                read = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        /// Everything read, once the writer closed its end (the child exited or was killed).
        func data() -> Data {
            done.wait()
            return read
        }
    }

    /// A new, empty directory under the system's temporary directory; the caller removes it.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static let tiny = ["--selectors", "linear-scan", "--servers", "4", "--threads", "1", "--workloads", "uniform",
                       "--picks", "2000"]

    @Test("the runner reads both pipes at once and stops a child that runs past its deadline")
    func runnerNeverHangs() throws {
        let shell = URL(fileURLWithPath: "/bin/sh")
        // A megabyte to standard error before anything to standard output: read one pipe after
        // the other, the child blocked on a full standard error while the test waited on standard output.
        let chatty = try Self.lbbench(
            ["-c", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o"],
            executable: shell, deadline: 120)
        #expect(chatty.status == 0)
        #expect(chatty.standardError.utf8.count == 1_048_576 && chatty.standardOutput.utf8.count == 1_048_576)
        let started = Date()
        #expect(throws: TimedOut.self) { try Self.lbbench(["-c", "sleep 300"], executable: shell, deadline: 0.5) }
        #expect(Date().timeIntervalSince(started) < 60, "the sleep was waited out, not killed")
    }

    @Test("the executable was built")
    func built() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                "no lbbench at \(Self.executable.path): build it with 'swift build' first")
    }

    @Test("bad input exits 64 with a one-line reason", arguments: [
        (["--selectors", "nope"], "unknown --selectors 'nope'; valid: \(SelectorKind.allCases.map(\.rawValue).joined(separator: ", ")), all"),
        (["--workloads", "bogus"], "unknown --workloads 'bogus'; valid: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")), all"),
        (["--locks", "ticket"], "unknown --locks 'ticket'; valid: mutex, spin, combining, all"),
        (["--servers", "0"], "--servers 0 is out of range: must be in 1...16777216"),
        (["--threads", "1,x"], "--threads 'x' is not an integer: must be one in 1...128"),
        (["--threads", "500"], "--threads 500 is out of range: must be in 1...128"),
        (["--selectors", "p2c,sharded", "--locks", "combining"], "--locks applies to lock-based selectors only (linear-scan, min-heap, buckets), not to p2c, sharded"),
        (["--servers", "3", "--weights", "1,2"], "--weights lists 2 weights but the run has 3 servers"),
        (["--weights", "0,0"], "every server has weight 0"),
        (["--weights", "1,-1"], "weights must be 0 (drained) or positive"),
        (["--servers", "2", "--concurrency", "5000000000"], "--concurrency 5000000000 is out of range: must be in 1...67108864"),
        (["--seconds", "2e10"], "--seconds 20000000000 is out of range: must be in 0.001...3600"),
        (["run", "--servers", "16777216", "--threads", "128", "--concurrency", "128", "--selectors", "p2c"],
         "the run would need about"),
        (["simulate", "--servers", "10000000000"], "--servers 10000000000 is out of range: must be in 1...100000"),
        (["simulate", "--servers", "100000", "--balancers", "1024"], "the farm would need about"),
        (["simulate", "--selectors", "buckets,"], "--selectors 'buckets,' has an empty item"),
        (["report", "/dev/zero"], "/dev/zero is not a regular file"),
        (["report", "/nonexistent-lbbench-dir/results.json"], "cannot read '/nonexistent-lbbench-dir/results.json': No such file or directory"),
        (["--threads", "2", "--concurrency", "1"], "below the thread count"),
        (["--picks", "0"], "--picks 0 is out of range: must be in 1...1000000000"),
        (["--picks", "10", "--seconds", "1"], "give --picks or --seconds, not both"),
        (["--format", "xml"], "xml"),
        (["--matrix", "huge"], "'huge' is invalid for '--matrix"),
        (["--output", "/nonexistent-lbbench-dir/results.json"], "does not exist"),
    ])
    func badInput(arguments: [String], reason: String) throws {
        let outcome = try Self.lbbench(arguments)
        #expect(outcome.status == 64, "\(arguments): exit \(outcome.status), stderr \(outcome.standardError)")
        let first = outcome.standardError.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Error: ") && first.contains(reason), "\(arguments): \(first)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "not one line: \(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test("a small run writes its JSON atomically and keeps stdout clean")
    func output() throws {
        let directory = try Self.temporaryDirectory("lbbench-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("results.json").path
        let outcome = try Self.lbbench(Self.tiny + ["--format", "json", "--output", path])
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.isEmpty, "stderr is not a terminal: no progress line expected")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let runs = try #require(root?["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs[0]["leakedConnections"] as? Int == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["results.json"])
    }

    @Test("lbbench-live: a number that does not parse is refused in one line that states the option's range", arguments: [
        (["--max-requests", "1e6"], "1...1000000"), (["--port", "8080.0"], "1024...65535"),
        (["--segments", "99999999999999999999"], "1...100"), (["--seed", "-1"], "0...18446744073709551615"),
        (["--population", ""], "1...4000"), (["--max-connections", "x"], "1...10000"), (["--warmup", "soon"], "0...600"),
    ])
    func liveUnparsableNumbers(arguments: [String], bound: String) throws {
        let refused = try Self.lbbench(arguments, executable: Self.executable.deletingLastPathComponent().appendingPathComponent("lbbench-live"))
        #expect(refused.status == 64 && refused.standardError.contains(bound)
                && refused.standardError.split(separator: "\n").count == 1, "\(arguments): \(refused.standardError)")
    }

    @Test("lbbench live is lbbench-live: the same arguments, exit status and messages; without it, exit 64")
    func live() throws {
        let direct = try Self.lbbench(["--balancers", "lbbench,envoy"],
                                      executable: Self.executable.deletingLastPathComponent().appendingPathComponent("lbbench-live"))
        let forwarded = try Self.lbbench(["live", "--balancers", "lbbench,envoy"])
        #expect(direct.status == 64 && forwarded.status == 64)
        #expect(!forwarded.standardError.isEmpty && forwarded.standardError == direct.standardError)
        #expect(try Self.lbbench(["live", "--help"]).standardOutput.contains("--balancers"))
        // lbbench-live's own checks before parsing: an option given twice, --help beside an argument it does not take.
        // (The out-of-range --utilization keeps a build without the check from starting a run: it fails on the message.)
        for (arguments, message) in [(["--seed", "1", "--seed", "2", "--utilization", "2"], "--seed is given more than once"),
                                     (["--help", "extra"], "Unexpected argument 'extra'")] {
            let refused = try Self.lbbench(arguments, executable: Self.executable.deletingLastPathComponent().appendingPathComponent("lbbench-live"))
            #expect(refused.status == 64 && refused.standardError.contains(message)
                    && refused.standardError.split(separator: "\n").count == 1, "\(arguments): \(refused.standardError)")
        }

        // lbbench alone in a directory: no lbbench-live beside it.
        let directory = try Self.temporaryDirectory("lbbench-live")
        defer { try? FileManager.default.removeItem(at: directory) }
        let alone = directory.appendingPathComponent("lbbench")
        try FileManager.default.copyItem(at: Self.executable, to: alone)
        let missing = try Self.lbbench(["live"], executable: alone)
        #expect(missing.status == 64)
        #expect(missing.standardError.split(separator: "\n").count == 1)
        #expect(missing.standardError.contains("swift build -c release --product lbbench-live"), "\(missing.standardError)")
    }

    @Test("plain lbbench is lbbench run; markdown and CSV go to stdout")
    func defaultSubcommand() throws {
        let markdown = try Self.lbbench(Self.tiny)
        #expect(markdown.status == 0)
        #expect(markdown.standardOutput.contains("| linear-scan | mutex | 4 | 1 |"))
        let csv = try Self.lbbench(["run"] + Self.tiny + ["--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.standardOutput.contains("\nlinear-scan,mutex,uniform,4,1,16,1;1;1;1,1,2000,"))
    }

    @Test("simulate --format csv: a header and one row per router; --validate one row per check")
    func simulateCSV() throws {
        let farm = try Self.lbbench(["simulate", "--selectors", "random,buckets", "--servers", "3", "--weights", "2,1,1",
                                     "--jobs", "300", "--format", "csv"])
        #expect(farm.status == 0, "\(farm.standardError)")
        let rows = farm.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rows.count == 3 && rows[0].hasPrefix("scenario,selector,servers,weights,"))
        #expect(rows.dropFirst().map { $0.prefix(while: { $0 != "," }) } == ["custom", "custom"])
        #expect(rows[1].hasPrefix("custom,random,3,2;1;1,2;1;1,1,,0.9,,,ps,exponential,300,"))
        #expect(rows[2].hasPrefix("custom,buckets,3,"))
        let validation = try Self.lbbench(["simulate", "--validate", "--jobs", "100000", "--format", "csv"])
        let checks = validation.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(checks.first == "check,formula,theory,measured,tolerance,statistical,passed,interval")
        #expect(checks.count == 22, "21 checks and the header")
        #expect(validation.status == 0 && validation.standardOutput.contains("# all 21 checks passed"))
    }

    @Test("simulate --validate exits 1 when a check fails, after writing the whole report")
    func simulateValidationFailure() throws {
        // At the fewest jobs --validate takes, the power-of-two-choices case still sits below its
        // n → ∞ limit for some seeds: seed 6 is one (2.538 against 2.614 ± 0.052, a false
        // failure of the simulator, deterministic for that seed, and so a fixture for the exit status).
        let failed = try Self.lbbench(["simulate", "--validate", "--jobs", "100000", "--seed", "6"])
        #expect(failed.status == 1, "\(failed.standardError)")
        #expect(failed.standardOutput.contains("| FAIL |") && failed.standardOutput.contains("checks FAILED."),
                "\(failed.standardOutput.suffix(300))")
    }

    @Test("simulate with farm options: the farm as described — the sizes' own weights, --unweighted, --balancers, a closed loop")
    func simulateFarmOptions() throws {
        let outcome = try Self.lbbench(["simulate", "--sizes", "video", "--population", "3", "--think-time", "2",
                                        "--balancers", "2", "--unweighted", "--jobs", "300", "--selectors", "round-robin",
                                        "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        // video's own farm: 3 servers weighted 2,1,1 (speeds), which --unweighted hides from the balancers only.
        #expect(run["weights"] as? [Int] == [2, 1, 1] && run["balancerWeights"] as? [Int] == [1, 1, 1], "\(run)")
        #expect(run["balancers"] as? Int == 2 && run["population"] as? Int == 3 && run["thinkTime"] as? Double == 2, "\(run)")
        // Without --selectors, a farm of one's own runs behind every library selector, one row each.
        let every = try Self.lbbench(["simulate", "--servers", "2", "--jobs", "300", "--format", "csv"])
        #expect(every.status == 0, "\(every.standardError)")
        let rows = every.standardOutput.split(separator: "\n").filter { $0.hasPrefix("custom,") }
        #expect(rows.map { String($0.split(separator: ",")[1]) } == SelectorKind.allCases.map(\.rawValue), "\(rows)")
    }

    @Test("--matrix scaling: its dimensions where no option replaces them (every lock, 64 and 4,096 servers)")
    func namedMatrix() throws {
        let outcome = try Self.lbbench(["run", "--matrix", "scaling", "--selectors", "buckets", "--threads", "1",
                                        "--workloads", "uniform", "--picks", "1000", "--concurrency", "64",
                                        "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = outcome.standardOutput.split(separator: "\n").filter { $0.hasPrefix("buckets,") }
        let cells = rows.map { row in row.split(separator: ",", omittingEmptySubsequences: false) }
            .map { "\($0[1])/\($0[3])" }
        #expect(Set(cells) == Set(LockKind.allCases.flatMap { ["\($0.rawValue)/64", "\($0.rawValue)/4096"] }))
        #expect(rows.allSatisfy { $0.contains(",1000,") })
    }

    @Test("check --list-regressions prints the table and measures nothing")
    func checkListRegressions() throws {
        let listed = try Self.lbbench(["check", "--list-regressions"], deadline: 60)
        #expect(listed.status == 0 && listed.standardError.isEmpty, "\(listed.standardError)")
        #expect(listed.standardOutput.split(separator: "\n").map(String.init)
                == ["p2c-scan 2b", "buckets-scan 2a 2c", "min-heap-scan 2d", "round-robin-slow 4"], "\(listed.standardOutput)")
    }

    @Test("list names every selector and workload")
    func list() throws {
        let outcome = try Self.lbbench(["list"])
        #expect(outcome.status == 0)
        for name in SelectorKind.allCases.map(\.rawValue) + Workload.allCases.map(\.rawValue) {
            #expect(outcome.standardOutput.contains("  \(name) "), "\(name) missing")
        }
    }

    @Test("report merges results files into one report, rows in catalogue order")
    func report() throws {
        let directory = try Self.temporaryDirectory("lbbench-report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.json").path
        let second = directory.appendingPathComponent("b.json").path
        let heap = ["--selectors", "min-heap", "--servers", "4", "--threads", "1", "--workloads", "uniform", "--picks", "2000"]
        #expect(try Self.lbbench(heap + ["--format", "json", "--output", first]).status == 0)
        #expect(try Self.lbbench(Self.tiny + ["--format", "json", "--output", second]).status == 0)
        let merged = try Self.lbbench(["report", first, second])
        #expect(merged.status == 0, "stderr: \(merged.standardError)")
        let rows = merged.standardOutput.split(separator: "\n").filter { $0.hasPrefix("| linear-scan") || $0.hasPrefix("| min-heap") }
        #expect(rows.count == 2 && rows[0].hasPrefix("| linear-scan") && rows[1].hasPrefix("| min-heap"), "\(rows)")
        // Both files ran 2,000 picks a cell: the merged report states that length once.
        #expect(merged.standardOutput.contains("- Length: 2,000 picks per cell (all threads together); seed 1."),
                "\(merged.standardOutput.prefix(600))")
    }

    @Test("report recomputes scaling over the merged runs: a 2-thread cell from one file against its 1-thread cell from another")
    func reportScaling() throws {
        let directory = try Self.temporaryDirectory("lbbench-report-scaling")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cell = ["--selectors", "p2c", "--servers", "4", "--workloads", "uniform", "--picks", "2000", "--format", "json"]
        let one = directory.appendingPathComponent("one.json").path, two = directory.appendingPathComponent("two.json").path
        #expect(try Self.lbbench(cell + ["--threads", "1", "--output", one]).status == 0)
        #expect(try Self.lbbench(cell + ["--threads", "2", "--output", two]).status == 0)
        func scaling(_ files: [String]) throws -> [Int: Double?] {
            let merged = try Self.lbbench(["report"] + files + ["--format", "json"])
            let root = try #require(try JSONSerialization.jsonObject(with: Data(merged.standardOutput.utf8)) as? [String: Any])
            let runs = try #require(root["runs"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: runs.map { ($0["threads"] as? Int ?? 0, $0["scalingVsOneThread"] as? Double) })
        }
        // Alone, the 2-thread file has no 1-thread cell to scale against; merged, it has.
        #expect(try scaling([two]) == [2: nil])
        let merged = try scaling([two, one])
        #expect(merged[1] == 1 && (merged[2] ?? nil).map { $0 > 0 } == true, "\(merged)")
    }

    /// The merge would drop repeated runs either way; what tells a file read once from one read
    /// three times is the note `report` writes for runs it has already read.
    @Test("report reads a file named three ways (another spelling, a link) once; a copy's runs are noted as repeats")
    func reportReadsAFileOnce() throws {
        let directory = try Self.temporaryDirectory("lbbench-once")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("a.json").path
        let link = directory.appendingPathComponent("link.json").path
        let copy = directory.appendingPathComponent("copy.json").path
        #expect(try Self.lbbench(Self.tiny + ["--format", "json", "--output", file]).status == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        try FileManager.default.copyItem(atPath: file, toPath: copy)
        let once = try Self.lbbench(["report", file, directory.path + "/./a.json", link])
        #expect(once.status == 0 && once.standardError.isEmpty, "stderr: \(once.standardError)")
        let copied = try Self.lbbench(["report", file, copy])
        #expect(copied.status == 0 && copied.standardError.contains("repeats 1 of 1 runs"), "stderr: \(copied.standardError)")
    }
}
