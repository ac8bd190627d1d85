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

    /// An interrupt between a child's start and its registration used to stop every child it
    /// knew of and exit, leaving that one running (a peer holding its port).
    @Test("an interrupt while a child starts waits for its registration and stops it")
    func interruptWhileStarting() throws {
        let children = ChildProcesses()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["300"]
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let launched = DispatchSemaphore(value: 0)
        let interrupted = DispatchSemaphore(value: 0)
        // Threads of their own: a Dispatch queue may not run the second block while the first waits.
        Thread {
            try? children.launch(process) {
                started.signal()
                proceed.wait()
            }
            launched.signal()
        }.start()
        started.wait()
        #expect(!Self.ended(process.processIdentifier), "the child runs, not yet registered")
        Thread {
            children.stopForInterrupt()
            interrupted.signal()
        }.start()
        // The interrupt must not finish while the start is held between run and registration.
        #expect(interrupted.wait(timeout: .now() + 0.3) == .timedOut, "the interrupt did not wait for the start")
        proceed.signal()
        #expect(launched.wait(timeout: .now() + 30) == .success)
        #expect(interrupted.wait(timeout: .now() + 30) == .success)
        let deadline = Date().addingTimeInterval(5)
        while !Self.ended(process.processIdentifier) && Date() < deadline { usleep(10_000) }
        #expect(Self.ended(process.processIdentifier), "the child started during the interrupt outlived it")
        if !Self.ended(process.processIdentifier) { kill(process.processIdentifier, SIGKILL) }
        #expect(children.runningCount == 0)
    }
}
