import Foundation

/// Every process `lbbench-live` started, by PID, and the temporary directories their
/// configurations live in: what must be stopped and removed on every exit path, Ctrl-C included.
///
/// - Note: Thread-safe: guarded by a lock.
final class ChildProcesses: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `lock`.
    static let shared = ChildProcesses()

    private let lock = NSLock()
    private var processes: [pid_t: Process] = [:]
    private var directories: Set<String> = []
    private var signalSources: [any DispatchSourceSignal] = []

    func register(_ process: Process) {
        lock.withLock { processes[process.processIdentifier] = process }
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

    /// On SIGINT or SIGTERM: stop every child, remove every directory, exit 130.
    func installSignalHandlers() {
        lock.withLock {
            guard signalSources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    FileHandle.standardError.write(Data("lbbench-live: interrupted; stopping every process it started\n".utf8))
                    ChildProcesses.shared.stopAll(grace: 1)
                    exit(130)
                }
                source.resume()
                signalSources.append(source)
            }
        }
    }

    /// Stops `process` and its children (nginx's workers) by PID: SIGTERM, then SIGKILL.
    static func stop(_ process: Process, grace: Double) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        let children = ProcessCPU.children(of: pid)
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        for child in children where kill(child, 0) == 0 { kill(child, SIGKILL) }
    }
}
