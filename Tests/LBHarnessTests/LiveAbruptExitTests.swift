import Foundation
import Testing

/// The peers installed here, as `--balancers` names them; nil when neither is.
private let installedPeers: String? = {
    let names = [("haproxy", "/usr/sbin/haproxy"), ("nginx", "/usr/sbin/nginx")]
        .filter { FileManager.default.isExecutableFile(atPath: $0.1) }.map(\.0)
    return names.isEmpty ? nil : names.joined(separator: ",")
}()

/// The built `lbbench-live` ended while HAProxy or nginx run: by a signal its handlers catch (the
/// terminal closing) and by one nothing catches (`kill -9`). Either way no peer outlives it and no
/// temporary directory is left. Runs only where a peer is installed (`.ci/run` installs both).
@Suite("lbbench-live: no peer outlives it", .serialized, .enabled(if: installedPeers != nil))
struct LiveAbruptExitTests {

    /// A process as `/proc/PID/stat` describes it: parent, process group, command.
    struct ProcessEntry {
        var pid: pid_t
        var parent: pid_t
        var group: pid_t
        var command: String
    }

    static func entry(_ pid: pid_t) -> ProcessEntry? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, fields[0] != "Z", let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { return nil }
        return ProcessEntry(pid: pid, parent: parent, group: group, command: String(text[text.index(after: open)..<close]))
    }

    static func processes() -> [ProcessEntry] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.compactMap(entry)
    }

    /// The temporary directory a peer runs in, from its command line (`-f DIR/haproxy.conf`,
    /// `-p DIR`).
    static func directory(of pid: pid_t) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        // nginx rewrites its command line as one title ("nginx: master process /usr/sbin/nginx -p
        // DIR ..."), so spaces separate too (the test's directories have none).
        let arguments = data.split(whereSeparator: { $0 == 0 || $0 == 0x20 }).map { String(decoding: $0, as: UTF8.self) }
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            let value = arguments[index + 1]
            if argument == "-p" { return value }
            if argument == "-f" { return (value as NSString).deletingLastPathComponent }
        }
        return nil
    }

    @Test("SIGHUP (the terminal closed) and SIGKILL mid-run: every peer and its workers stopped, every directory removed",
          arguments: [SIGHUP, SIGKILL])
    func noPeerOutlives(signalNumber: Int32) throws {
        let peers = try #require(installedPeers)
        let scratch = try CommandLineTests.temporaryDirectory("lbbench-live-abrupt")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let errorLog = scratch.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let process = Process()
        process.executableURL = LiveCommandLineTests.executable
        // Bounded: 30 s of light load at most, should the signal never come.
        process.arguments = ["--balancers", peers, "--warmup", "0", "--duration", "30", "--drain", "1",
                             "--max-requests", "3000", "--utilization", "0.3"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        var peerGroups: Set<pid_t> = []
        var directories: [String] = []
        defer {
            // Whatever the outcome, nothing this test started is left: by process group number,
            // and only groups whose leader lbbench-live started.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for group in peerGroups where !Self.processes().filter({ $0.group == group }).isEmpty { kill(-group, SIGKILL) }
            for directory in directories where (directory as NSString).lastPathComponent.hasPrefix("lbbench-live-") {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        // Both algorithms of every installed peer side by side: the signal comes once all run.
        let expectedLeaders = peers.split(separator: ",").count * 2
        func leaders() -> [ProcessEntry] {
            Self.processes().filter { $0.parent == process.processIdentifier && ($0.command == "haproxy" || $0.command == "nginx") }
        }
        var peerLeaders: [ProcessEntry] = []
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            peerLeaders = leaders()
            if peerLeaders.count >= expectedLeaders { break }
            usleep(20_000)
        }
        try #require(process.isRunning, "lbbench-live ended before its peers ran: \((try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")")
        peerGroups = Set(peerLeaders.map(\.group))
        directories = peerLeaders.compactMap { Self.directory(of: $0.pid) }
        #expect(peerLeaders.count == expectedLeaders && directories.count == peerLeaders.count,
                "peers \(peerLeaders.map { "\($0.pid) \($0.command)" }), directories \(directories), children \(Self.processes().filter { $0.parent == process.processIdentifier }.map(\.command)); \((try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")")
        #expect(directories.allSatisfy { FileManager.default.fileExists(atPath: $0) })

        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        if signalNumber == SIGKILL {
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        } else {
            #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signalNumber)
        }
        // The watchdog gives SIGTERM a second before SIGKILL; the handler stops each peer in turn.
        let stopped = Date().addingTimeInterval(20)
        func leftover() -> [ProcessEntry] { Self.processes().filter { peerGroups.contains($0.group) } }
        while !leftover().isEmpty && Date() < stopped { usleep(50_000) }
        #expect(leftover().isEmpty, "peers outlived lbbench-live: \(leftover().map { "\($0.pid) \($0.command)" })")
        while directories.contains(where: { FileManager.default.fileExists(atPath: $0) }) && Date() < stopped { usleep(50_000) }
        #expect(directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) }, "directories left: \(directories)")
    }
}
