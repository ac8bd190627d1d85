import LoadBalancing
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

    @Test("a sleeping waiter is woken by the unlock")
    func sleeperIsWoken() {
        let lock = BlockingLock()
        let counter = GuardedCounter()
        lock.lock()
        let done = StartBarrier(parties: 2)
        runConcurrently(threads: 2) { worker in
            if worker == 0 {
                // Hold the lock long enough for the other thread to spin out and sleep.
                var sum = 0
                for index in 0..<2_000_000 { sum &+= index }
                counter.value = sum == 0 ? -1 : 1
                lock.unlock()
                done.arriveAndWait()
            } else {
                lock.lock()
                counter.owners = counter.value
                lock.unlock()
                done.arriveAndWait()
            }
        }
        #expect(counter.owners == 1)
    }
}
