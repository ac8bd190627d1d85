import Foundation
import LoadBalancing
import Synchronization
import Testing

/// The locks themselves: mutual exclusion and publication of the guarded state, with more
/// threads than this machine has cores, so that the mutex's waiters really go to sleep and
/// are woken (and the spinlock's waiters yield). Run under ThreadSanitizer too: an unguarded
/// access here is a race it must report, and a guarded one must be clean.
@Suite("Locks")
struct LockTests {
    /// A counter incremented non-atomically under the lock, with a deliberately long critical
    /// section (read, spin, write) so that a lock that let two owners in would lose updates.
    final class GuardedCounter: @unchecked Sendable {
        var value = 0
        var owners = 0
        var overlaps = 0
    }

    static func hammer<Lock: SelectorLock>(_ type: Lock.Type, threads: Int, iterations: Int) -> GuardedCounter {
        let lock = Lock()
        let counter = GuardedCounter()
        runConcurrently(threads: threads) { _ in
            for _ in 0..<iterations {
                lock.lock()
                counter.owners += 1
                if counter.owners != 1 { counter.overlaps += 1 }
                let seen = counter.value
                for _ in 0..<(seen & 15) { _ = Optional(seen) }  // widen the window
                counter.value = seen + 1
                counter.owners -= 1
                lock.unlock()
            }
        }
        return counter
    }

    @Test("mutex: no lost update and no overlap, 8 threads on 2 cores", arguments: [2, 8])
    func mutexExcludes(threads: Int) {
        let counter = Self.hammer(BlockingLock.self, threads: threads, iterations: 50_000)
        #expect(counter.value == threads * 50_000)
        #expect(counter.overlaps == 0)
    }

    @Test("spinlock: no lost update and no overlap, 8 threads on 2 cores", arguments: [2, 8])
    func spinExcludes(threads: Int) {
        let counter = Self.hammer(SpinLock.self, threads: threads, iterations: 50_000)
        #expect(counter.value == threads * 50_000)
        #expect(counter.overlaps == 0)
    }

    @Test("tryLock fails while held and succeeds once released", arguments: [LockKind.mutex, .spin])
    func tryLock(kind: LockKind) {
        let lock: any SelectorLock = kind == .mutex ? BlockingLock() : SpinLock()
        #expect(lock.tryLock())
        #expect(!lock.tryLock())
        lock.unlock()
        #expect(lock.tryLock())
        lock.unlock()
    }

    #if os(Linux)
    /// The owner holds the lock while a waiter blocks on it; the test waits until the kernel
    /// reports the waiter asleep, then the owner itself unlocks (the `SelectorLock` contract:
    /// only the owner unlocks). The waiter must wake, take the lock and see what the owner
    /// wrote under it. Fails if the waiter never sleeps (it only spins) or is never woken.
    @Test("a waiter asleep in the kernel is woken by the owner's unlock")
    func sleeperIsWoken() throws {
        let lock = BlockingLock()
        let guarded = GuardedCounter()
        let waiter = WaiterThread()
        lock.lock()
        Thread {
            // After this the waiter does nothing but `lock()`, whose only sleep is the futex wait.
            waiter.publishThreadID()
            lock.lock()
            let seen = guarded.value
            lock.unlock()
            waiter.finish(seen: seen)
        }.start()
        let threadID = waiter.threadID()
        let slept = WaiterThread.waitUntilAsleep(threadID: threadID, seconds: 30)
        guarded.value = 42
        lock.unlock()
        #expect(slept, "the waiter never slept in the kernel: it was never reported in state S")
        let seen = waiter.seen(withinSeconds: 30)
        #expect(seen == 42, seen == nil ? "the sleeping waiter was not woken" : "the waiter saw \(seen!)")
    }
    #endif

    /// Guards `LockedSelector`'s contention statistics, which the harness reports as the
    /// contended fraction and the wait per acquisition: an operation that finds the lock held
    /// counts as contended, with the time it waited. (A mutant that stopped counting contended
    /// acquisitions survived the rest of the suite, whose only contended counts are
    /// `combining`'s.)
    @Test("behind LockedSelector, a pick that finds the lock held counts as contended, with its wait")
    func lockedSelectorCountsContention() throws {
        let lock = TryCountingLock()
        let selector = LockedSelector(policy: try BucketsPolicy(weights: [1, 1]), lock: lock)
        lock.lock()
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = selector.pick()
            done.signal()
        }.start()
        // The pick found the lock held; now it waits in `lock()` until this thread unlocks.
        while lock.failedTries.load(ordering: .sequentiallyConsistent) == 0 { sched_yield() }
        Thread.sleep(forTimeInterval: 0.002)
        lock.unlock()
        done.wait()
        let statistics = try #require(selector.contentionStatistics().lock)
        #expect(statistics.contendedAcquisitions == 1)
        #expect(statistics.waitNanoseconds >= 1_000_000, "waited \(statistics.waitNanoseconds) ns")
        #expect(statistics.acquisitions == 2, "the pick and the statistics call")
    }
}

#if os(Linux)
/// The waiting thread of `sleeperIsWoken`: publishes its kernel thread id, then what it saw.
final class WaiterThread: @unchecked Sendable {
    private let condition = NSCondition()
    /// Read and written with `condition` locked.
    private var id: String?
    private var seenValue: Int?

    /// Called by the waiter: its id as `/proc/self/task/<id>` names it.
    func publishThreadID() {
        // "/proc/thread-self" links to "<pid>/task/<tid>".
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        condition.lock()
        defer { condition.unlock() }
        id = link.split(separator: "/").last.map(String.init) ?? ""
        condition.broadcast()
    }

    func threadID() -> String {
        condition.lock()
        defer { condition.unlock() }
        while id == nil { condition.wait() }
        return id!
    }

    func finish(seen: Int) {
        condition.lock()
        defer { condition.unlock() }
        seenValue = seen
        condition.broadcast()
    }

    /// What the waiter saw under the lock, or `nil` if it has not finished within `seconds`.
    func seen(withinSeconds seconds: Double) -> Int? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while seenValue == nil && condition.wait(until: deadline) {}
        return seenValue
    }

    /// Polls the thread's scheduler state (the field after the command name in
    /// `/proc/self/task/<id>/stat`) until it reads `S`, asleep, for at most `seconds`.
    static func waitUntilAsleep(threadID: String, seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            let stat = (try? String(contentsOfFile: "/proc/self/task/\(threadID)/stat", encoding: .utf8)) ?? ""
            if let end = stat.lastIndex(of: ")"), stat[end...].dropFirst().trimmingPrefix(" ").first == "S" {
                return true
            }
            usleep(1_000)
        }
        return false
    }
}
#endif

/// A `BlockingLock` that counts its failed `tryLock` calls, so that a test can wait until an
/// operation behind `LockedSelector` has found the lock held.
final class TryCountingLock: SelectorLock {
    let inner = BlockingLock()
    let failedTries = Atomic<Int>(0)

    init() {}

    func lock() { inner.lock() }

    func unlock() { inner.unlock() }

    func tryLock() -> Bool {
        if inner.tryLock() { return true }
        failedTries.add(1, ordering: .sequentiallyConsistent)
        return false
    }
}
