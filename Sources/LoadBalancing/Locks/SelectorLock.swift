/// A mutual-exclusion lock that `LockedSelector` can guard a policy with.
///
/// # Contract for conformers
/// `lock()` blocks (or spins) until the caller owns the lock; `tryLock()` takes it only if it
/// is free, without waiting; `unlock()` is called only by the owner. Acquiring must be an
/// acquire barrier and releasing a release barrier, so the guarded state is published between
/// owners. The type must be visible to ThreadSanitizer as a synchronization primitive (pthread
/// calls or atomics), so sanitizer runs are truthful.
public protocol SelectorLock: AnyObject, Sendable {
    init()
    func lock()
    func unlock()
    func tryLock() -> Bool
}

/// The synchronizations a lock-based selector can be built with: a lock around every
/// operation (`mutex`, `spin`), or flat combining (`combining`).
public enum LockKind: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// `BlockingLock`: a futex mutex (pthread elsewhere than Linux); waiters spin briefly, then sleep in the kernel.
    case mutex
    /// `SpinLock`: test-and-test-and-set on one atomic word; waiters spin, then yield.
    case spin
    /// `CombiningSelector`: flat combining; a thread that finds the lock held publishes its
    /// request and the lock holder applies it with its own.
    case combining

    /// The lock used when none is named.
    public static let `default`: LockKind = .mutex

    public var description: String { rawValue }

    /// One line for `lbbench list`.
    public var summary: String {
        switch self {
        case .mutex: "futex mutex: one CAS to lock, one swap to unlock; waiters spin briefly, then sleep; safe when threads outnumber cores"
        case .spin: "test-and-test-and-set spinlock: cheapest uncontended; waiters spin, yielding after 64 tries"
        case .combining: "flat combining: waiters publish picks and releases in per-thread slots, the lock holder applies them in one batch; exact"
        }
    }
}
