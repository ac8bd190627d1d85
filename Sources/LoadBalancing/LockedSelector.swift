/// Makes any single-threaded `SelectionPolicy` a thread-safe `ServerSelector` by running
/// every operation under one lock.
///
/// The lock is a type parameter, so the same algorithm can be measured behind a blocking
/// mutex (`BlockingLock`) and a spinlock (`SpinLock`). Contention is counted without touching
/// the uncontended path's cost: `tryLock()` first; only when it fails is the clock read around
/// the blocking `lock()`. The counters live next to the policy and are updated while the lock
/// is held, so they need no atomics.
///
/// # Specialization
/// `pick()`, `release(_:)` and `assign(_:)` are `@inlinable`, so a caller that knows the
/// concrete type (`SelectorKind.withSelectorType(lock:_:)` hands it to a generic body) gets
/// them specialized for its policy and lock. Calls through `any ServerSelector` reach the
/// unspecialized generic methods instead, which cost about 55 ns more per pick-and-release
/// pair on the development machine (buckets at 64 servers: 97 ns a pair instead of 42).
///
/// # Layout
/// Four allocations (this object, the lock object, its word, the guarded state) and two
/// pointer hops per operation. A single-allocation layout (lock word and guarded state stored
/// inline, reached through `_getUnsafePointerToStoredProperties` as swift-atomics'
/// `ManagedAtomic` does) was built, measured and not kept: ns per pick + release at
/// 64 servers, one thread, specialized, best of 5 × 10 M pairs, median of 3 interleaved rounds
/// (2 cores, loaded), before → after: buckets/mutex 30.3 → 30.2, buckets/spin 30.8 → 27.0,
/// min-heap/mutex 66.5 → 67.5, min-heap/spin 68.7 → 66.6, linear-scan/mutex 155.3 → 151.2,
/// linear-scan/spin 150.5 → 153.2; through the harness (1 and 2 threads) 0.94–1.15× with no
/// direction. One row faster by 12% did not pay for what it needed: an underscored standard
/// library entry point, a second word-based interface on `SelectorLock`, and a workaround for a
/// Swift 6.3.1 release-mode compiler crash (SimplifyCFG) where `ShardedSelector` inlines the lock.
///
/// - Complexity: the policy's, plus one lock acquisition per operation.
/// - Note: Thread-safe. Exact if the policy is exact: each pick sees every earlier pick and
///   release, because they are serialized by the lock.
public final class LockedSelector<Policy: SelectionPolicy, Lock: SelectorLock>: ServerSelector {
    @usableFromInline
    struct Guarded {
        @usableFromInline var policy: Policy
        @usableFromInline var statistics = LockStatistics()

        @usableFromInline
        init(policy: Policy) { self.policy = policy }
    }

    @usableFromInline
    let lock: Lock

    /// The guarded state lives in its own allocation and is reached through a pointer, which
    /// spares each access the dynamic exclusivity check a stored class property would cost.
    @usableFromInline
    let guarded: UnsafeMutablePointer<Guarded>

    public let serverCount: Int

    /// Wraps `policy`; the selector owns it from now on: its own copy, which it never copies
    /// again, so a policy with `PolicyArray`s skips its copy-on-write test here
    /// (`adoptedForExclusiveOwnership(_:)`).
    public init(policy: Policy, lock: Lock = Lock()) {
        self.lock = lock
        serverCount = policy.serverCount
        guarded = .allocate(capacity: 1)
        guarded.initialize(to: Guarded(policy: adoptedForExclusiveOwnership(policy)))
    }

    /// Builds the policy from `weights` and wraps it.
    ///
    /// - Throws: `SelectorConfigurationError` as `Policy.init(weights:seed:)` does.
    public convenience init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        self.init(policy: try Policy(weights: weights, seed: seed))
    }

    deinit {
        guarded.deinitialize(count: 1)
        guarded.deallocate()
    }

    /// Runs `body` on the guarded state with the lock held, counting the acquisition.
    @inlinable @inline(__always)
    func withGuarded<Result, Failure: Error>(_ body: (inout Guarded) throws(Failure) -> Result) throws(Failure) -> Result {
        if !lock.tryLock() {
            let start = MonotonicClock.nanoseconds()
            lock.lock()
            let waited = MonotonicClock.nanoseconds() &- start
            guarded.pointee.statistics.contendedAcquisitions &+= 1
            guarded.pointee.statistics.waitNanoseconds &+= waited
        }
        defer { lock.unlock() }
        guarded.pointee.statistics.acquisitions &+= 1
        return try body(&guarded.pointee)
    }

    @inlinable
    public func pick() -> ServerID? {
        withGuarded { $0.policy.pick() }
    }

    @inlinable
    public func release(_ server: ServerID) {
        withGuarded { $0.policy.release(server) }
    }

    /// Counts one more active connection on `server` under the lock.
    ///
    /// - Complexity: the policy's `assign`, plus one lock acquisition.
    @inlinable
    public func assign(_ server: ServerID) {
        withGuarded { $0.policy.assign(server) }
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try withGuarded { (state) throws(SelectorConfigurationError) in try state.policy.setWeight(weight, for: server) }
    }

    public func activeConnections() -> [Int] {
        withGuarded { $0.policy.activeConnections() }
    }

    public func weights() -> [Int] {
        withGuarded { $0.policy.weights() }
    }

    public func contentionStatistics() -> ContentionStatistics {
        withGuarded { ContentionStatistics(lock: $0.statistics) }
    }
}

/// All access to the policy and the counters goes through `withGuarded`, which holds `lock`.
extension LockedSelector: @unchecked Sendable {}
