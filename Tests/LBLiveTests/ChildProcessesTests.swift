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

    /// A peer that ignores SIGTERM (a hung master, a misconfigured one) must still be stopped:
    /// `stop` sends SIGKILL once its grace has passed, and so does the watchdog a second after
    /// its SIGTERM. The shell and its sleep both ignore SIGTERM (an ignored signal stays ignored
    /// across `exec`).
    @Test("a group that ignores SIGTERM is killed, by stop and by the watchdog", arguments: ["stop", "watchdog"])
    func groupIgnoringTermIsKilled(stopper: String) throws {
        let (scratch, _, children) = try Self.watchedScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("child.pid").path
        let leader = Process()
        leader.executableURL = URL(fileURLWithPath: "/bin/sh")
        leader.arguments = ["-c", "trap '' TERM; sleep 300 & echo $! > \(file); wait"]
        try children.launch(leader)
        defer { children.finishWatchdog() }
        let worker = try Self.childPID(in: file)
        defer { for pid in [leader.processIdentifier, worker] where !Self.ended(pid) { kill(pid, SIGKILL) } }
        // SIGTERM alone leaves both running.
        kill(-leader.processIdentifier, SIGTERM)
        usleep(300_000)
        #expect(!Self.ended(leader.processIdentifier) && !Self.ended(worker), "the group did not ignore SIGTERM")
        // On a thread of its own: a stop that only waits would never return.
        let returned = DispatchSemaphore(value: 0)
        Thread {
            if stopper == "stop" { children.stopAll(grace: 0.5) } else { children.finishWatchdog() }
            returned.signal()
        }.start()
        let stopReturned = returned.wait(timeout: .now() + 15) == .success
        #expect(stopReturned, "the \(stopper) waited for the group instead of killing it")
        let deadline = Date().addingTimeInterval(10)
        while !(Self.ended(leader.processIdentifier) && Self.ended(worker)) && Date() < deadline { usleep(10_000) }
        #expect(Self.ended(leader.processIdentifier), "the leader ignoring SIGTERM outlived the \(stopper)")
        #expect(Self.ended(worker), "its group ignoring SIGTERM outlived the \(stopper)")
        if !stopReturned {
            kill(-leader.processIdentifier, SIGKILL)  // lets the waiting stop return
            _ = returned.wait(timeout: .now() + 15)
        }
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

    /// `kill -9`, a crash: no handler runs, and only the watchdog stops what was left. Its pipe
    /// ended here as this process's death would end it.
    @Test("when the pipe ends, the watchdog stops every group still registered or naming a registered directory, removes every directory still registered, and only those")
    func watchdogStopsWhatIsLeft() throws {
        let (scratch, log, children) = try Self.watchedScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let left = scratch.appendingPathComponent("left").path
        let removedEarlier = scratch.appendingPathComponent("removed-earlier").path
        for path in [left, removedEarlier] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try children.register(directory: left)
        try children.register(directory: removedEarlier)
        // Taken off the list as if removed, but left in place: the watchdog must not touch it.
        children.unregister(directory: removedEarlier)

        // A leader that leaves a sleep in its group, as nginx's master its workers.
        let file = scratch.appendingPathComponent("child.pid").path
        let leader = Process()
        leader.executableURL = URL(fileURLWithPath: "/bin/sh")
        leader.arguments = ["-c", "sleep 300 & echo $! > \(file); wait"]
        try children.launch(leader)
        let worker = try Self.childPID(in: file)
        // Registered, then taken off as if stopped, but still running: the watchdog must not stop it.
        let spared = Process()
        spared.executableURL = URL(fileURLWithPath: "/bin/sleep")
        spared.arguments = ["300"]
        try children.launch(spared)
        children.unregister(spared)
        defer {
            for pid in [leader.processIdentifier, worker, spared.processIdentifier] where !Self.ended(pid) { kill(pid, SIGKILL) }
        }
        // Started, not yet listed (lbbench-live died between its start and its listing): its
        // command line names the listed directory, as a peer's names its configuration.
        let unlisted = Process()
        unlisted.executableURL = URL(fileURLWithPath: "/bin/sh")
        unlisted.arguments = ["-c", "sleep 300; :", "\(left)/peer.conf"]
        try unlisted.run()
        defer { if !Self.ended(unlisted.processIdentifier) { kill(-unlisted.processIdentifier, SIGKILL) } }
        let watchdog = try #require(children.watchdogProcessIdentifier)
        #expect(!Self.ended(watchdog), "the watchdog waits while the pipe is open")

        children.finishWatchdog()
        let deadline = Date().addingTimeInterval(10)
        while !(Self.ended(leader.processIdentifier) && Self.ended(worker)) && Date() < deadline { usleep(10_000) }
        #expect(Self.ended(leader.processIdentifier), "the registered leader outlived the watchdog")
        #expect(Self.ended(worker), "the rest of the registered group outlived the watchdog")
        #expect(!FileManager.default.fileExists(atPath: left), "a registered directory was left")
        #expect(!Self.ended(spared.processIdentifier), "the watchdog stopped a process taken off the list")
        #expect(FileManager.default.fileExists(atPath: removedEarlier), "the watchdog removed a directory taken off the list")
        #expect(Self.ended(watchdog), "the watchdog outlived its pipe")
        while !Self.ended(unlisted.processIdentifier) && Date() < deadline { usleep(10_000) }
        #expect(Self.ended(unlisted.processIdentifier), "a process naming a listed directory outlived the watchdog")
        #expect(try String(contentsOf: log, encoding: .utf8)
                == "stop \(leader.processIdentifier)\nstop \(unlisted.processIdentifier)\nremove \(left)\n")
    }

    /// A new scratch directory (its caller removes it), and a `ChildProcesses` whose watchdog
    /// writes what it does to `log` in it.
    static func watchedScratch() throws -> (directory: URL, log: URL, children: ChildProcesses) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-watchdog-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let log = scratch.appendingPathComponent("watchdog.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        return (scratch, log, ChildProcesses(watchdogLog: try FileHandle(forWritingTo: log)))
    }

    @Test("stopAll takes what it stopped off the watchdog's list")
    func stopAllTellsTheWatchdog() throws {
        let (scratch, log, children) = try Self.watchedScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let directory = scratch.appendingPathComponent("peer").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try children.register(directory: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["300"]
        try children.launch(process)
        children.stopAll(grace: 1)
        #expect(!process.isRunning)
        #expect(!FileManager.default.fileExists(atPath: directory))
        // Once its number is free, another process may take it: the watchdog must not list it.
        children.finishWatchdog()
        #expect(try String(contentsOf: log, encoding: .utf8) == "", "the watchdog still listed what stopAll had stopped")
    }
}
