import Foundation

/// Every process `lbbench-live` started, by PID, and the temporary directories their
/// configurations live in: what must be stopped and removed on every exit path, Ctrl-C included.
///
/// - Note: Thread-safe: guarded by a lock.
final class ChildProcesses: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `lock`.
    static let shared = ChildProcesses()

    private let lock = NSLock()
    /// Held from a child's start to its registration (`launch`), and taken by an interrupt
    /// before it stops everything, so a child started just then is never missed.
    private let launching = NSLock()
    private var processes: [pid_t: Process] = [:]
    private var directories: Set<String> = []
    private var signalSources: [any DispatchSourceSignal] = []
    /// Set by an interrupt: a process registered after it is stopped at once (it was started
    /// while the handler was stopping the others).
    private var interrupted = false

    /// Starts `process` and registers it, as one step for an interrupt: one that arrives while
    /// it starts waits until it is registered, then stops it with the others (between `run()`
    /// and a separate registration it would have exited with the child still running).
    ///
    /// - Parameter afterRunning: a test hook, called between the start and the registration.
    /// - Throws: what `Process.run()` throws; nothing was started then.
    func launch(_ process: Process, afterRunning: () -> Void = {}) throws {
        launching.lock()
        defer { launching.unlock() }
        try process.run()
        afterRunning()
        register(process)
    }

    func register(_ process: Process) {
        let late = lock.withLock {
            processes[process.processIdentifier] = process
            return interrupted
        }
        if late { stopAll(grace: 1) }
    }

    func unregister(_ process: Process) {
        _ = lock.withLock { processes.removeValue(forKey: process.processIdentifier) }
    }

    /// Processes started and not yet stopped.
    var runningCount: Int { lock.withLock { processes.count } }

    func register(directory: String) {
        _ = lock.withLock { directories.insert(directory) }
    }

    func unregister(directory: String) {
        _ = lock.withLock { directories.remove(directory) }
    }

    /// Stops every registered process (SIGTERM, then SIGKILL after `grace` seconds) and removes
    /// every registered directory.
    func stopAll(grace: Double = 2) {
        let (running, paths) = lock.withLock {
            let taken = (Array(processes.values), Array(directories))
            processes.removeAll()
            directories.removeAll()
            return taken
        }
        for process in running { Self.stop(process, grace: grace) }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    /// What an interrupt does before the process exits: marks the interrupt (a child registered
    /// later is stopped at once), waits for a child being started to be registered (`launch`),
    /// then stops every child and removes every directory.
    func stopForInterrupt() {
        lock.withLock { interrupted = true }
        launching.withLock {}
        stopAll(grace: 1)
    }

    /// On SIGINT or SIGTERM: stop every child, remove every directory, exit 128 + the signal
    /// (130 for Ctrl-C, 143 for SIGTERM), as a shell reports a process the signal ended.
    func installSignalHandlers() {
        lock.withLock {
            guard signalSources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    FileHandle.standardError.write(Data("lbbench-live: interrupted; stopping every process it started\n".utf8))
                    ChildProcesses.shared.stopForInterrupt()
                    exit(128 + signalNumber)
                }
                source.resume()
                signalSources.append(source)
            }
        }
    }

    /// Stops `process` and the rest of its process group (nginx's workers) by PID: SIGTERM to
    /// the group, then SIGKILL. Foundation starts every child as the leader of a process group
    /// of its own, so the group's id is the child's PID; a worker whose master died before the
    /// stop stays in that group (holding its port) and is stopped too.
    static func stop(_ process: Process, grace: Double) {
        let group = process.processIdentifier
        if process.isRunning {
            kill(-group, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(-group, SIGKILL) }
            process.waitUntilExit()
        }
        // What is left of the group, by PID. Not its leader's number: once the leader is gone,
        // a process holding that number is not ours.
        for member in members(ofGroup: group) where member != group { kill(member, SIGKILL) }
    }

    /// The processes whose process group is `group`, from `/proc/PID/stat` (field 5).
    ///
    /// - Complexity: O(processes on the machine).
    static func members(ofGroup group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            // pgrp is the third field after the command name.
            guard let pid = pid_t(entry), let fields = ProcessCPU.statFields(of: pid) else { return nil }
            return fields.count > 2 && pid_t(fields[2]) == group ? pid : nil
        }
    }
}
