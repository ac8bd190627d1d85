#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Atomics

/// Removes the temporary file of a write in progress when SIGINT, SIGTERM or SIGHUP arrives,
/// then lets the signal do what it would have done, so an interrupted `lbbench … --output`
/// leaves no `.NAME.XXXXXX` behind and still ends with the signal's exit status.
///
/// One write is protected at a time (`AtomicFile.write` holds `lock` around it), of up to
/// `maximumFiles` files written as a set. The paths live in buffers allocated once, so the
/// handler neither allocates nor locks: it only calls `unlink`, `signal` and `raise`, which
/// are async-signal-safe. A signal the process
/// ignored (`nohup`) stays ignored; one with a handler of its own gets that handler after the
/// cleanup; one with the default action is re-raised with the default action.
///
/// A file size limit (`ulimit -f`) is not a signal to die of here: SIGXFSZ is ignored while a
/// write is protected, so the `write` past the limit fails with `EFBIG` instead, the temporary
/// file is removed on that error path and the command exits 73, as for any failed write.
///
/// - Note: Thread-safe: `protect(_:)` serialises callers; the handler may run on any thread.
enum InterruptCleanup {
    /// The signals that end a process which is being written from: ^C, `kill`, a closed terminal.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The most files one protected write may hold temporary files for at once.
    static let maximumFiles = 4
    /// For each file of the write, `mkstemp`'s template and then the temporary file's name,
    /// NUL-terminated: `paths[i]` is the `i`-th. Buffers in a buffer, allocated once and never
    /// freed: the handler reads them without touching a reference count.
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>>.allocate(capacity: maximumFiles)
        for index in 0..<maximumFiles { (table + index).initialize(to: .allocate(capacity: Int(PATH_MAX) + 1)) }
        return table
    }()
    /// How many of `paths`, from the first, name temporary files that the handler must remove.
    /// Allocated once and never freed, like `paths`.
    static let armed = UnsafeAtomic<Int>.create(0)
    /// A signal handler, as `signal(2)` takes and returns it (`nil`: the default action).
    typealias Handler = @convention(c) (Int32) -> Void
    /// The handlers in force before `protect(_:)` installed its own, indexed by signal number;
    /// a fixed buffer, so the handler reads it without touching reference counts.
    nonisolated(unsafe) static let previous: UnsafeMutablePointer<Handler?> = {
        let table = UnsafeMutablePointer<Handler?>.allocate(capacity: 65)
        table.initialize(repeating: nil, count: 65)
        return table
    }()
    private static let lock = NSLock()

    /// Runs `body` with the handler installed for `signals`; `body` fills `paths` in order
    /// (with `mkstemp`) and sets `armed` to the number of temporary files that exist.
    ///
    /// - Complexity: O(1) besides `body`.
    static func protect<Result>(_ body: () throws(AtomicFile.WriteError) -> Result) throws(AtomicFile.WriteError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        _ = (paths, previous)  // Initialise the statics here, never first in the handler.
        armed.store(0, ordering: .sequentiallyConsistent)
        var installed: [(signal: Int32, handler: Handler?)] = []
        for signalNumber in signals {
            let old = signal(signalNumber, removeTemporaryFileAndResignal)
            if isIgnore(old) {
                signal(signalNumber, SIG_IGN)
            } else {
                previous[Int(signalNumber)] = old
                installed.append((signalNumber, old))
            }
        }
        let fileSizeHandler = signal(SIGXFSZ, SIG_IGN)
        defer {
            armed.store(0, ordering: .sequentiallyConsistent)
            for (signalNumber, old) in installed { signal(signalNumber, old) }
            signal(SIGXFSZ, fileSizeHandler)
        }
        return try body()
    }

    /// Runs `body` while no write is protected (under the lock `protect` holds), so that what
    /// it reads of the signal dispositions is what every write restores: for tests, whose other
    /// suites write files at the same time.
    ///
    /// - Complexity: O(1) besides `body`.
    static func betweenWrites<Result>(_ body: () -> Result) -> Result {
        lock.withLock(body)
    }

    /// Removes every temporary file the write in progress has made (none between writes).
    /// Async-signal-safe: an atomic load and `unlink` calls; no allocation, no lock.
    ///
    /// - Complexity: O(`maximumFiles`).
    static func removeArmedTemporaryFiles() {
        let count = armed.load(ordering: .sequentiallyConsistent)
        var index = 0
        while index < count {
            unlink(paths[index])
            index += 1
        }
    }

    private static func isIgnore(_ handler: Handler?) -> Bool {
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// The handler: async-signal-safe calls only.
private func removeTemporaryFileAndResignal(_ signalNumber: Int32) {
    InterruptCleanup.removeArmedTemporaryFiles()
    if let chained = InterruptCleanup.previous[Int(signalNumber)] {
        chained(signalNumber)
    } else {
        // Blocked while this handler runs; delivered, with the default action, when it returns.
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
    }
}
