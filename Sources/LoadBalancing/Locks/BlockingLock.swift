#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking mutex: a `pthread_mutex_t` in its own stable allocation.
///
/// Chosen over the standard library's `Mutex` because ThreadSanitizer understands pthread
/// calls directly, so sanitizer runs of the concurrency tests report real races only.
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

    @inlinable @inline(__always)
    public func lock() { _lock() }

    @inlinable @inline(__always)
    public func unlock() { _unlock() }

    @inlinable @inline(__always)
    public func tryLock() -> Bool { _tryLock() }

    @usableFromInline
    func _lock() {
        let status = pthread_mutex_lock(mutex)
        precondition(status == 0, "pthread_mutex_lock failed: \(status)")
    }

    @usableFromInline
    func _unlock() {
        let status = pthread_mutex_unlock(mutex)
        precondition(status == 0, "pthread_mutex_unlock failed: \(status)")
    }

    @usableFromInline
    func _tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}

/// The lock owns its pthread mutex and only touches it through pthread calls, which are
/// thread-safe by definition.
extension BlockingLock: @unchecked Sendable {}
