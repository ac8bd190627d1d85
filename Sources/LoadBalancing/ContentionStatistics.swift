/// What a selector counted about contention, cumulative since it was created.
///
/// Counting is kept off the uncontended path: a lock-based selector increments plain
/// counters while it already holds its lock and reads the clock only when `tryLock` failed;
/// a lock-free selector touches its shared retry counter only when a compare-and-swap failed.
public struct ContentionStatistics: Sendable, Equatable {
    /// Lock counters, summed over every lock the selector takes; `nil` for lock-free selectors.
    public var lock: LockStatistics?
    /// Failed compare-and-swap attempts that forced a retry (0 when none did); `nil` for
    /// selectors that take a lock, and set for every lock-free one.
    public var casRetries: UInt64?

    public init(lock: LockStatistics? = nil, casRetries: UInt64? = nil) {
        self.lock = lock
        self.casRetries = casRetries
    }
}

/// Counters kept by `LockedSelector` while it holds its lock.
public struct LockStatistics: Sendable, Equatable {
    /// Every acquisition of the lock.
    public var acquisitions: UInt64 = 0
    /// Acquisitions whose first `tryLock` found the lock held.
    public var contendedAcquisitions: UInt64 = 0
    /// Time spent waiting in contended acquisitions, in nanoseconds.
    public var waitNanoseconds: UInt64 = 0

    public init(acquisitions: UInt64 = 0, contendedAcquisitions: UInt64 = 0, waitNanoseconds: UInt64 = 0) {
        self.acquisitions = acquisitions
        self.contendedAcquisitions = contendedAcquisitions
        self.waitNanoseconds = waitNanoseconds
    }

    /// The fraction of acquisitions that found the lock held, 0 when there were none.
    public var contendedFraction: Double {
        acquisitions == 0 ? 0 : Double(contendedAcquisitions) / Double(acquisitions)
    }
}
