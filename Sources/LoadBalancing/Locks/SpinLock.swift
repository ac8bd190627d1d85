import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A test-and-test-and-set spinlock on one atomic word.
///
/// The cheapest lock when uncontended (one compare-and-swap to take it, one store to give
/// it back). A waiter spins on plain loads, so it does not bounce the cache line while the
/// owner works, and calls `sched_yield()` after 64 failed looks so that more threads than
/// cores do not starve the owner (HAProxy's leastconn lock is a spinlock for the same reason:
/// critical sections are a few dozen nanoseconds).
///
/// - Note: Thread-safe. Not recursive, not fair.
public final class SpinLock: SelectorLock {
    @usableFromInline
    let locked: UnsafeAtomic<Bool>

    @usableFromInline
    static let spinsBeforeYield = 64

    public init() {
        locked = .create(false)
    }

    deinit {
        locked.destroy()
    }

    @inlinable
    public func lock() {
        while true {
            // Acquiring: the guarded state written by the previous owner must be visible.
            if locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
                return
            }
            var looks = 0
            while locked.load(ordering: .relaxed) {
                looks &+= 1
                if looks >= SpinLock.spinsBeforeYield {
                    sched_yield()
                    looks = 0
                }
            }
        }
    }

    @inlinable
    public func unlock() {
        // Releasing: publishes the guarded state to the next owner.
        locked.store(false, ordering: .releasing)
    }

    @inlinable
    public func tryLock() -> Bool {
        if locked.load(ordering: .relaxed) { return false }
        return locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }
}

/// The lock's only state is an atomic word it owns and destroys.
extension SpinLock: @unchecked Sendable {}
