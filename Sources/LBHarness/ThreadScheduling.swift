#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the kernel's scheduler has recorded about the calling thread: how long it waited in a
/// run queue (ready to run, no core free) and how often it gave up its core voluntarily (it
/// blocked: a futex wait, a sleep) or involuntarily (it was preempted).
///
/// Workers read it at the start and end of their measured loop, next to `ThreadCPUTime`, so a
/// cell can tell a busy machine (workers preempted, waiting for a core) from a lock's sleeps
/// (workers blocked voluntarily, cores idle): both lower the CPU time over wall time.
///
/// Read from Linux's `/proc/thread-self/schedstat` (`cpu_ns run_delay_ns timeslices`) and
/// `/proc/thread-self/status` (`voluntary_ctxt_switches`, `nonvoluntary_ctxt_switches`).
///
/// - Note: Thread-safe; each thread reads its own files. One read opens and reads two small
///   files (a few microseconds) and allocates, so it is never called inside the timed loop.
public struct ThreadSchedulingSample: Sendable, Equatable {
    /// Nanoseconds the thread has waited in a run queue since it started.
    public var runQueueWaitNanoseconds: UInt64
    /// Times the thread blocked (gave up its core voluntarily) since it started.
    public var voluntaryContextSwitches: UInt64
    /// Times the thread was preempted since it started.
    public var involuntaryContextSwitches: UInt64

    public init(runQueueWaitNanoseconds: UInt64, voluntaryContextSwitches: UInt64, involuntaryContextSwitches: UInt64) {
        self.runQueueWaitNanoseconds = runQueueWaitNanoseconds
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    /// The calling thread's figures now; `nil` where the kernel does not provide them (not
    /// Linux, `/proc` not mounted, a kernel without scheduler statistics).
    public static func current() -> ThreadSchedulingSample? {
        guard let schedstat = ProcFile.contents(of: "/proc/thread-self/schedstat"),
              let status = ProcFile.contents(of: "/proc/thread-self/status") else { return nil }
        return parse(schedstat: schedstat, status: status)
    }

    /// Parses the two files' texts; `nil` if either lacks a figure.
    ///
    /// - Complexity: O(length of the texts).
    public static func parse(schedstat: String, status: String) -> ThreadSchedulingSample? {
        let fields = schedstat.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let runQueueWait = UInt64(fields[1]) else { return nil }
        var voluntary: UInt64?
        var involuntary: UInt64?
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].trimmingSpaces
            switch parts[0] {
            case "voluntary_ctxt_switches": voluntary = UInt64(value)
            case "nonvoluntary_ctxt_switches": involuntary = UInt64(value)
            default: continue
            }
        }
        guard let voluntary, let involuntary else { return nil }
        return ThreadSchedulingSample(
            runQueueWaitNanoseconds: runQueueWait, voluntaryContextSwitches: voluntary,
            involuntaryContextSwitches: involuntary)
    }

    /// What changed from `earlier` to `self` (counters only grow; a smaller value gives 0).
    public func since(_ earlier: ThreadSchedulingSample) -> ThreadSchedulingSample {
        ThreadSchedulingSample(
            runQueueWaitNanoseconds: runQueueWaitNanoseconds.subtractingClamped(earlier.runQueueWaitNanoseconds),
            voluntaryContextSwitches: voluntaryContextSwitches.subtractingClamped(earlier.voluntaryContextSwitches),
            involuntaryContextSwitches: involuntaryContextSwitches.subtractingClamped(earlier.involuntaryContextSwitches))
    }
}

/// Reads a small kernel file (`/proc`), whose size `stat` reports as 0, to its end.
enum ProcFile {
    /// The file's text, or `nil` if it cannot be opened or read, or exceeds `limit` bytes.
    static func contents(of path: String, limit: Int = 16_384) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > limit { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

private extension UInt64 {
    func subtractingClamped(_ other: UInt64) -> UInt64 { self >= other ? self - other : 0 }
}
