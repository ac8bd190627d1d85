import Foundation

/// A running HAProxy or nginx, started in the foreground from a configuration lbbench wrote
/// into a temporary directory, registered with `ChildProcesses`, and stopped by PID.
///
/// - Note: Thread-safe: immutable after `start`; `stop()` may be called once from any thread.
final class PeerProcess: Sendable {
    let balancer: PeerBalancer
    let port: Int
    private let process: Process
    private let directory: String

    private init(balancer: PeerBalancer, port: Int, process: Process, directory: String) {
        self.balancer = balancer
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Writes the configuration, starts the balancer and waits (at most `timeout` seconds) until
    /// it accepts connections on its port.
    ///
    /// - Throws: `LivePeerError.startFailed` with the balancer's own error output when it exits
    ///   or does not listen in time; nothing is left running.
    static func start(
        _ balancer: PeerBalancer, algorithm: String, backends: [(port: Int, weight: Int)], port: Int?, timeout: Double = 10
    ) throws -> PeerProcess {
        guard let executable = balancer.executable else {
            throw LivePeerError.startFailed("\(balancer.rawValue) is not installed (Debian package \(balancer.package))")
        }
        let directory = try makeDirectory()
        let file = "\(directory)/\(balancer.rawValue).conf"
        let log = "\(directory)/output.log"
        do {
            try ChildProcesses.shared.register(directory: directory)
            let listenPort = try port ?? LoopbackPort.free()
            try balancer.configuration(algorithm: algorithm, backends: backends, port: listenPort, directory: directory)
                .write(toFile: file, atomically: true, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = balancer.arguments(configuration: file, directory: directory)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try ChildProcesses.shared.launch(process)
            let peer = PeerProcess(balancer: balancer, port: listenPort, process: process, directory: directory)
            let deadline = Date().addingTimeInterval(timeout)
            while !LoopbackPort.accepts(listenPort) {
                if !process.isRunning || Date() > deadline {
                    let reason = peer.outputTail()
                    peer.stop()
                    throw LivePeerError.startFailed(
                        "\(balancer.rawValue) did not start on 127.0.0.1:\(listenPort): \(reason.isEmpty ? "no output" : reason)"
                    )
                }
                usleep(20_000)
            }
            // Something accepts on the port; it is this balancer only if it is still running a
            // moment later (one that lost the port to another process exits at once).
            usleep(100_000)
            guard process.isRunning else {
                let reason = peer.outputTail()
                peer.stop()
                throw LivePeerError.startFailed(
                    "\(balancer.rawValue) exited after 127.0.0.1:\(listenPort) began to accept: \(reason.isEmpty ? "no output" : reason)"
                )
            }
            return peer
        } catch {
            ChildProcesses.shared.remove(directory: directory)
            throw error
        }
    }

    /// CPU seconds the balancer (master and workers) has used so far.
    func cpuSeconds() -> Double {
        ProcessCPU.seconds(of: process.processIdentifier)
    }

    /// Stops it by PID (SIGTERM, then SIGKILL) and removes its directory.
    func stop() {
        ChildProcesses.stop(process, grace: 3)
        ChildProcesses.shared.unregister(process)
        ChildProcesses.shared.remove(directory: directory)
    }

    /// The last line of what the balancer printed, for an error message.
    private func outputTail() -> String {
        let text = (try? String(contentsOfFile: "\(directory)/output.log", encoding: .utf8)) ?? ""
        let errorLog = (try? String(contentsOfFile: "\(directory)/error.log", encoding: .utf8)) ?? ""
        return (text + errorLog).split(separator: "\n").last.map(String.init) ?? ""
    }

    private static func makeDirectory() throws -> String {
        var template = Array("\(NSTemporaryDirectory())/lbbench-live-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LivePeerError.startFailed("cannot create a temporary directory: errno \(errno)")
        }
        return String(cString: made)
    }
}
