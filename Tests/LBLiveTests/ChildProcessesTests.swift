import Foundation
@testable import LBLive
import Testing

/// Stopping what `lbbench-live` started, by PID: the whole process group, also what is left of
/// it when its leader (an nginx master) is already gone.
@Suite("Live: child processes stopped by PID")
struct ChildProcessesTests {
    /// Whether `pid` is gone or a zombie (a reaper may not have collected it yet).
    static func ended(_ pid: pid_t) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return true }
        return text[text.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// A shell that leaves a `sleep` in its process group (as a master leaves its workers),
    /// writes the sleep's PID to `file`, then exits or waits.
    static func leader(leavingAChildIn file: String, exit: Bool) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 300 & echo $! > \(file); " + (exit ? "exit 0" : "wait")]
        try process.run()
        return process
    }

    static func childPID(in file: String) throws -> pid_t {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            usleep(10_000)
        }
        throw CocoaError(.fileReadNoSuchFile)
    }

    @Test("a running leader and its group are stopped; a child whose leader already exited is stopped too", arguments: [false, true])
    func groupStopped(leaderExits: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-children-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("child.pid").path
        let process = try Self.leader(leavingAChildIn: file, exit: leaderExits)
        let child = try Self.childPID(in: file)
        if leaderExits {
            // Not `waitUntilExit()`: Foundation may count the leader as running while a child holds
            // what it inherited from it.
            let deadline = Date().addingTimeInterval(5)
            while !Self.ended(process.processIdentifier) && Date() < deadline { usleep(10_000) }
            #expect(Self.ended(process.processIdentifier), "the shell exited")
        }
        #expect(!Self.ended(child), "the sleep runs before the stop")
        #expect(ChildProcesses.members(ofGroup: process.processIdentifier).contains(child))
        // Stopped, not waited out: the sleep would take 300 s.
        let stopStarted = Date()
        ChildProcesses.stop(process, grace: 1)
        #expect(Date().timeIntervalSince(stopStarted) < 60, "the stop waited for the sleep instead of stopping it")
        let deadline = Date().addingTimeInterval(5)
        while !Self.ended(child) && Date() < deadline { usleep(10_000) }
        #expect(Self.ended(child), "the sleep outlived the stop")
        #expect(!process.isRunning)
        if !Self.ended(child) { kill(child, SIGKILL) }
    }
}
