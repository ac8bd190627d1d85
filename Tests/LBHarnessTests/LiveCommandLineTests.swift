import Foundation
import Testing

/// Runs the built `lbbench-live` and checks what its own command line decides before
/// `LBLive` sees a configuration: the options it combines or converts itself (`--capacity` with
/// `--slots`, `--population` with `--utilization` and `--think-time-ms`, milliseconds into
/// seconds) and where the report goes (`--output`, `--output-directory`). Only lbbench's own
/// proxy is ever asked for, with short windows, so that a check that let a run start ends in
/// seconds (and fails on its exit status) and never starts HAProxy or nginx.
@Suite("Command line: lbbench-live")
struct LiveCommandLineTests {
    static let executable = CommandLineTests.executable.deletingLastPathComponent().appendingPathComponent("lbbench-live")

    /// Lbbench's proxy alone, one round-robin row, a short window: a run of about a second.
    static let short = ["--balancers", "lbbench", "--selectors", "round-robin", "--warmup", "0", "--duration", "0.3",
                        "--drain", "1"]

    static func live(_ arguments: [String]) throws -> CommandLineTests.Outcome {
        try CommandLineTests.lbbench(arguments, executable: executable, deadline: 60)
    }

    @Test("Options that contradict each other or name nothing known are refused in one line naming the option", arguments: [
        (["--slots", "2"], "--slots 2: only with --capacity fcfs"),
        (["--capacity", "ps", "--slots", "3"], "--slots 3: only with --capacity fcfs"),
        (["--capacity", "lifo"], "--capacity lifo: must be ps or fcfs"),
        (["--think-time-ms", "5"], "--think-time-ms 5: only with --population"),
        (["--population", "3", "--utilization", "0.5"], "--utilization is for Poisson arrivals; a closed --population sets its own load"),
        (["--format", "yaml"], "--format yaml: unknown; one of markdown, json, csv"),
        (["--schedule", "interleaved"], "--schedule interleaved: unknown; one of together, sequential"),
        (["--sizes", "bimodal"], "--sizes bimodal: unknown; one of"),
    ])
    func contradictions(arguments: [String], message: String) throws {
        let refused = try Self.live(Self.short + arguments)
        #expect(refused.status == 64 && refused.standardError.contains(message)
                && refused.standardError.split(separator: "\n").count == 1, "\(arguments): \(refused.standardError)")
        #expect(refused.standardOutput.isEmpty)
    }

    @Test("--selectors is refused without lbbench among --balancers: given, not defaulted, counts")
    func selectorsWithoutTheProxy() throws {
        // Short, should a build let it run: HAProxy (when installed) starts and is stopped within seconds.
        let bounded = ["--warmup", "0", "--duration", "0.3", "--drain", "1", "--max-requests", "400"]
        let refused = try Self.live(["--balancers", "haproxy", "--selectors", "p2c"] + bounded)
        #expect(refused.status == 64 && refused.standardError.contains("--selectors p2c")
                && refused.standardError.contains("unless --balancers includes lbbench")
                && refused.standardError.split(separator: "\n").count == 1, "\(refused.standardError)")
    }

    @Test("A destination that cannot be written is refused before the run: --output, --output-directory, both")
    func destinations() throws {
        let directory = try CommandLineTests.temporaryDirectory("lbbench-live-output")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file.md").path
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: file))
        let blocked = directory.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("live.json"), withIntermediateDirectories: true)
        let cases: [([String], String)] = [
            (["--output", file, "--output-directory", directory.path], "--output-directory: give either it or --output"),
            (["--output-directory", directory.appendingPathComponent("missing").path], "not an existing directory"),
            (["--output-directory", file], "--output-directory \(file): not an existing directory"),
            (["--output-directory", blocked.path], "--output-directory: "),
            (["--output", directory.path], "--output: "),
        ]
        for (arguments, message) in cases {
            let refused = try Self.live(Self.short + arguments)
            #expect(refused.status == 64 && refused.standardError.contains(message)
                    && refused.standardError.split(separator: "\n").count == 1, "\(arguments): \(refused.standardError)")
        }
        // Nothing was written: the regular file is as it was, and the blocked directory holds only its obstacle.
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "kept\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocked.path) == ["live.json"])
    }

    @Test("--output-directory writes live.md, live.json and live.csv, each in its format, of the farm the options describe")
    func outputDirectory() throws {
        let directory = try CommandLineTests.temporaryDirectory("lbbench-live-directory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try Self.live(Self.short + [
            "--population", "2", "--think-time-ms", "5", "--unit-ms", "2", "--capacity", "fcfs", "--slots", "2",
            "--segments", "3", "--seed", "7", "--max-requests", "20", "--output-directory", directory.path,
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty, "the report went to the directory, not standard output")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["live.csv", "live.json", "live.md"])

        let markdown = try String(contentsOf: directory.appendingPathComponent("live.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("# "), "\(markdown.prefix(80))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("live.json")))
            as? [String: Any])
        #expect(json["schema"] as? String == "lbbench.live/1")
        let farm = try #require(json["farm"] as? [String: Any])
        // Milliseconds on the command line, seconds in the report.
        #expect(farm["unitSeconds"] as? Double == 0.002 && farm["capacity"] as? String == "fcfs, 2 slots", "\(farm)")
        #expect(farm["seed"] as? Int == 7 && farm["segments"] as? Int == 3 && farm["schedule"] as? String == "sequential", "\(farm)")
        #expect(farm["warmupSeconds"] as? Double == 0 && farm["durationSeconds"] as? Double == 0.3
                && farm["drainSeconds"] as? Double == 1, "\(farm)")
        let traffic = try #require(farm["traffic"] as? [String: Any])
        #expect(traffic["kind"] as? String == "closed" && traffic["population"] as? Int == 2
                && traffic["thinkTime"] as? Double == 0.005, "\(traffic)")
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 1 && rows.first?["algorithm"] as? String == "round-robin", "\(rows)")
        // Two clients thinking 5 ms between requests of about 2 ms send about 80 in 0.3 s: --max-requests stops them at 20.
        #expect(rows.first?["sent"] as? Int == 20, "\(rows)")
        let csv = try String(contentsOf: directory.appendingPathComponent("live.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("balancer,") && lines[1].hasPrefix("lbbench,"), "\(csv)")
    }
}
