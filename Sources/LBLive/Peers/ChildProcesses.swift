import Foundation
import LBReporting

/// Every process `lbbench-live` started, by PID, and the temporary directories their
/// configurations live in: what must be stopped and removed on every exit path — Ctrl-C and the
/// other signals a handler sees (`handledSignals`) here, `kill -9` and crashes by the
/// `PeerWatchdog`, which learns of each registration.
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
    /// Stops what is registered if this process dies without doing it (`PeerWatchdog`);
    /// started with the first registration.
    private var watchdog: PeerWatchdog?
    /// Where the watchdog writes what it stops (for tests); nowhere when nil.
    private let watchdogLog: FileHandle?

    /// - Parameter watchdogLog: where the watchdog writes what it stops (`PeerWatchdog`), for tests.
    init(watchdogLog: FileHandle? = nil) {
        self.watchdogLog = watchdogLog
    }

    /// Starts `process` and registers it, as one step for an interrupt: one that arrives while
    /// it starts waits until it is registered, then stops it with the others (between `run()`
    /// and a separate registration it would have exited with the child still running).
    ///
    /// - Parameter afterRunning: a test hook, called between the start and the registration.
    /// - Throws: what `Process.run()` throws; nothing was started then.
    func launch(_ process: Process, afterRunning: () -> Void = {}) throws {
        launching.lock()
        defer { launching.unlock() }
        try startWatchdog()
        try process.run()
        afterRunning()
        register(process)
    }

    func register(_ process: Process) {
        let late = lock.withLock {
            processes[process.processIdentifier] = process
            watchdog?.started(group: process.processIdentifier)
            return interrupted
        }
        if late { stopAll(grace: 1) }
    }

    /// Takes `process` off the list once it is stopped (`stop`).
    func unregister(_ process: Process) {
        lock.withLock {
            processes.removeValue(forKey: process.processIdentifier)
            watchdog?.stopped(group: process.processIdentifier)
        }
    }

    /// Processes started and not yet stopped.
    var runningCount: Int { lock.withLock { processes.count } }

    /// Lists a directory to remove on every exit path.
    ///
    /// - Throws: when the watchdog cannot start (`startWatchdog`); nothing is listed then.
    func register(directory: String) throws {
        try startWatchdog()
        lock.withLock {
            directories.insert(directory)
            watchdog?.made(directory: directory)
        }
    }

    /// Takes a directory off the list once it is removed.
    func unregister(directory: String) {
        lock.withLock {
            directories.remove(directory)
            watchdog?.removed(directory: directory)
        }
    }

    /// Removes a registered directory and takes it off the list; one that is still there (a file
    /// appeared in it during the removal, say) stays listed, so that `stopAll` and, past this
    /// process's exit, the watchdog try again.
    func remove(directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
        if FileManager.default.fileExists(atPath: directory) {
            lock.withLock { _ = directories.insert(directory) }
        } else {
            unregister(directory: directory)
        }
    }

    /// Starts the watchdog that stops every registered process and removes every registered
    /// directory if this process dies without doing it (`PeerWatchdog`), unless it runs.
    ///
    /// - Throws: why it could not start.
    func startWatchdog() throws {
        try lock.withLock {
            guard watchdog == nil else { return }
            watchdog = try PeerWatchdog(log: watchdogLog)
        }
    }

    /// The watchdog's PID, if it runs (for tests).
    var watchdogProcessIdentifier: pid_t? { lock.withLock { watchdog?.processIdentifier } }

    /// Ends the watchdog's pipe as this process's exit does, and waits for it: it stops what is
    /// still registered (for tests: an exit the handlers do not see).
    func finishWatchdog() {
        let taken = lock.withLock {
            defer { watchdog = nil }
            return watchdog
        }
        taken?.finish()
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
        for process in running {
            Self.stop(process, grace: grace)
            lock.withLock { watchdog?.stopped(group: process.processIdentifier) }
        }
        for path in paths { remove(directory: path) }
    }

    /// What an interrupt does before the process exits: marks the interrupt (a child registered
    /// later is stopped at once), waits for a child being started to be registered (`launch`),
    /// then stops every child and removes every directory.
    func stopForInterrupt() {
        lock.withLock { interrupted = true }
        launching.withLock {}
        stopAll(grace: 1)
    }

    /// The signals after which `lbbench-live` stops its children itself: Ctrl-C, `kill`, the
    /// terminal closing (SIGHUP: the peers run in process groups of their own, so the hang-up
    /// does not reach them) and Ctrl-\ (SIGQUIT). What no handler sees is the watchdog's.
    static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// On each of `handledSignals`: stop every child, remove every directory and the temporary
    /// files of a report being written, exit 128 + the signal (130 for Ctrl-C, 143 for SIGTERM,
    /// 129 for SIGHUP, 131 for SIGQUIT), as a shell reports a process the signal ended.
    func installSignalHandlers() {
        lock.withLock {
            guard signalSources.isEmpty else { return }
            for signalNumber in Self.handledSignals {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    FileHandle.standardError.write(Data("lbbench-live: interrupted; stopping every process it started\n".utf8))
                    ChildProcesses.shared.stopForInterrupt()
                    // A report being written when the signal came leaves no temporary file.
                    AtomicFile.removeTemporaryFilesOfWriteInProgress()
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
