import Atomics

#if os(Linux)
import CFutex

/// A blocking mutex on one futex word: an uncontended lock is one compare-and-swap and an
/// unlock one exchange, without a function call; a waiter spins briefly, then sleeps in the
/// kernel until the owner wakes it.
///
/// The classic three-state futex mutex (Drepper, "Futexes Are Tricky", 2011, mutex 2): the
/// word is 0 when free, 1 when held, 2 when held and a thread may be asleep on it. `lock()`
/// takes a free lock with 0 → 1; a waiter sets 2 and sleeps while the word is 2; `unlock()`
/// swaps in 0 and wakes one sleeper only if it found 2, so an uncontended unlock makes no
/// system call. Rust's standard `Mutex` on Linux works the same way.
///
/// Chosen over `pthread_mutex_t`, which does the same work behind two non-inlinable calls and
/// a type check: an uncontended lock-and-unlock pair costs 4.4 ns with this lock, 5.7 ns with
/// glibc's mutex (1.3× as much) and 4.8 ns with the standard library's `Mutex` (1.1×), here
/// (`SingleThread` rows `lock:mutex`, `lock:pthread-mutex`, `lock:synchronization-mutex`: p50
/// of one run on 2 cores loaded by other builds); a selector takes the lock twice per
/// connection (pick and release). Chosen over the standard library's `Mutex` because
/// ThreadSanitizer sees this lock's atomics (acquire on every way in, release on the way out)
/// and reports real races only, while it reported false races on `Mutex` here.
///
/// - Note: Thread-safe. Not recursive, not fair (a thread that arrives as the lock is
///   released may take it before a woken sleeper, as with glibc's default mutex).
public final class BlockingLock: SelectorLock {
    /// The futex word: 0 free, 1 held, 2 held with possible sleepers.
    @usableFromInline
    let word: UnsafeMutablePointer<UInt32.AtomicRepresentation>

    /// Loads before a waiter goes to sleep: enough to outwait a selector's critical section
    /// (tens of nanoseconds) without a system call, short enough not to matter when the
    /// owner was descheduled.
    @usableFromInline
    static let spinsBeforeSleeping = 100

    public init() {
        word = .allocate(capacity: 1)
        word.initialize(to: .init(0))
    }

    deinit {
        word.deinitialize(count: 1)
        word.deallocate()
    }

    @inlinable @inline(__always)
    var state: UnsafeAtomic<UInt32> { UnsafeAtomic(at: word) }

    @inlinable @inline(__always)
    public func tryLock() -> Bool {
        // Acquiring: the guarded state written by the previous owner must be visible.
        state.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
    }

    @inlinable @inline(__always)
    public func lock() {
        if !tryLock() { lockContended() }
    }

    @inlinable @inline(__always)
    public func unlock() {
        // Releasing: publishes the guarded state to the next owner.
        if state.exchange(0, ordering: .releasing) == 2 { wakeOne() }
    }

    @usableFromInline
    func lockContended() {
        for _ in 0..<Self.spinsBeforeSleeping {
            if state.load(ordering: .relaxed) == 0 && tryLock() { return }
        }
        // From here on the word says 2 whenever this thread may sleep, so the owner's unlock
        // wakes someone. Taking the lock this way leaves 2 behind, which costs at most one
        // needless wake-up.
        while state.exchange(2, ordering: .acquiring) != 0 {
            lb_futex_wait(futexAddress, 2)
        }
    }

    @usableFromInline
    func wakeOne() {
        lb_futex_wake_one(futexAddress)
    }

    /// The word as the kernel sees it: `UInt32.AtomicRepresentation` is a plain 32-bit word.
    private var futexAddress: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
    }
}

/// Every access to the futex word is atomic.
extension BlockingLock: @unchecked Sendable {}

#else

#if canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A blocking mutex: a `pthread_mutex_t` in its own stable allocation (platforms without a
/// futex; on Linux, `BlockingLock` is a futex lock).
///
/// - Note: Thread-safe. Not recursive.
public final class BlockingLock: SelectorLock {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() {
        let status = pthread_mutex_lock(mutex)
        precondition(status == 0, "pthread_mutex_lock failed: \(status)")
    }

    public func unlock() {
        let status = pthread_mutex_unlock(mutex)
        precondition(status == 0, "pthread_mutex_unlock failed: \(status)")
    }

    public func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}

/// The lock owns its pthread mutex and only touches it through pthread calls.
extension BlockingLock: @unchecked Sendable {}
#endif
