import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--output` through the built `lbbench`: bad destinations exit 64 before any work on every
/// subcommand, a write that fails at the end exits 73, and a signal during the write leaves
/// no temporary file. Temporary directories only, never a path under /dev.
@Suite("Command line: --output safety")
struct OutputCommandLineTests {
    static let tinySimulation = ["simulate", "--selectors", "random", "--servers", "2", "--jobs", "300"]

    /// The arguments of a short run of each subcommand, before `--output`.
    static let subcommands: [[String]] = [
        CommandLineTests.tiny, tinySimulation, ["check"], ["report", "/nonexistent-results.json"],
    ]

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-output-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a bad destination exits 64 at once on every subcommand, naming --output, the value and the problem")
    func badDestinations() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(directory + "/fifo", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: directory + "/fifo")
        let destinations: [(String, String)] = [
            ("", "the name is empty"),
            (directory, "it is a directory"),
            (directory + "/" + String(repeating: "x", count: 250), "the file name is 250 bytes; at most 247"),
            (directory + "/missing/report", "does not exist"),
            (directory + "/fifo", "it is a FIFO"),
            (directory + "/link", "it is a symbolic link"),
        ]
        for arguments in Self.subcommands {
            for (destination, problem) in destinations {
                let outcome = try CommandLineTests.lbbench(arguments + ["--output", destination])
                let first = outcome.standardError.split(separator: "\n").first.map(String.init) ?? ""
                #expect(outcome.status == 64, "\(arguments) --output \(destination): exit \(outcome.status), \(first)")
                #expect(first.hasPrefix("Error: --output '\(destination)': "), "\(first)")
                #expect(first.contains(problem), "\(first)")
                #expect(outcome.standardOutput.isEmpty)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["fifo", "link"])
    }

    /// Whether this test binary, and so the `lbbench` beside it, runs under ThreadSanitizer, whose
    /// runtime itself dies (SIGBUS) under a file size limit.
    static let underThreadSanitizer = dlsym(nil, "__tsan_init") != nil

    @Test("a write that fails at the end (file size limit) exits 73 with one line; the old file stays, no temporary",
          .disabled(if: underThreadSanitizer, "ThreadSanitizer's runtime cannot run under a file size limit"))
    func writeFailureExits73() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/report.md"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        // `ulimit -f 0`: the first write to a file raises SIGXFSZ, whose default action would
        // kill the process and leave the temporary file; lbbench ignores it while writing, so
        // the write fails with EFBIG instead.
        let command = (["ulimit -f 0; exec \"$0\" \"$@\"", CommandLineTests.executable.path]
            + Self.tinySimulation + ["--output", path])
        let outcome = try CommandLineTests.lbbench(["-c"] + command, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(outcome.status == 73, "exit \(outcome.status): \(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: --output '\(path)': cannot write"), "\(outcome.standardError)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.md"])
    }

    @Test("SIGTERM or SIGINT while the report is written removes the temporary file and ends by the signal",
          arguments: [SIGTERM, SIGINT])
    func signalDuringWrite(signalNumber: Int32) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/report.md"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = Self.tinySimulation + ["--output", path]
        process.environment = ProcessInfo.processInfo.environment.merging(["LBBENCH_TEST_HOLD_TEMPORARY_FILE": "1"]) { $1 }
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // On every way out of this test, an early throw included: the child waits for a signal.
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        // The child says "holding PATH" once the temporary file exists, then waits for a signal.
        var said = ""
        while !said.contains("\n") {
            let chunk = error.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        #expect(said.hasPrefix("holding \(directory)/.report.md."), "\(said)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.count == 2, "the temporary file exists while the write is held: \(names)")
        kill(process.processIdentifier, signalNumber)
        // Bounded: a child that ignored the signal is stopped by PID and the test fails.
        for _ in 0..<600 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signalNumber)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.md"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    }
}
