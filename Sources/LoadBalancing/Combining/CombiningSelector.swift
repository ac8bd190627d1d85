import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes any single-threaded `SelectionPolicy` a thread-safe `ServerSelector` by flat
/// combining (Hendler, Incze, Shavit and Tzafrir, "Flat combining and the
/// synchronization-parallelism tradeoff", SPAA 2010): the `combining` synchronization.
///
/// # How
/// Every thread slot (`ThreadSlots`) has one request word in its own cache line. An operation
/// first tries the lock; if it gets it, it applies its own pick or release, then every request
/// other threads have published (the *batch*), and unlocks. If the lock is held, the thread
/// publishes its request in its slot and spins on that word: the lock holder applies the
/// request and writes the answer back, or, when the lock comes free first, the waiter takes it
/// and combines itself. So the policy's state stays in the cache of whichever core combines,
/// instead of moving between cores at every lock handoff as it does with `LockedSelector`, and a
/// waiter's cache traffic is its own slot's line. Threads never sleep in the kernel here: a
/// waiter yields the processor after `spinsBeforeYield` looks, so more threads than cores still
/// make progress.
///
/// # Exact
/// Every request is applied by one thread holding the lock, between the moment it was
/// published and the moment its answer is read, so each operation takes effect at one instant
/// inside its own call (it is linearizable) and picks see every earlier pick and release: the
/// policy's semantics, ties included, are kept whole. Called from one thread the selector makes
/// exactly the policy's choices.
///
/// # Slots shared by several threads
/// Beyond `ThreadSlots.defaultCount` threads, some share a slot. A thread that finds its slot
/// busy with a neighbour's request does not wait for it: it takes the lock itself (blocking,
/// spinning and yielding) and applies its own request directly. Weight changes and snapshots
/// take the lock the same way and combine before they let go, so published requests never wait
/// behind them for long.
///
/// - Complexity: the policy's, plus one lock acquisition per batch and one pass over the slots
///   (`ThreadSlots.defaultCount`, at most 64) per batch. Memory: the policy's, plus 128 bytes
///   per slot (the request word and the waiting time, each in its own cache line).
/// - Note: Thread-safe. Exact if the policy is exact.
public final class CombiningSelector<Policy: SelectionPolicy>: ServerSelector {
    @usableFromInline
    struct Guarded {
        @usableFromInline var policy: Policy
        @usableFromInline var statistics = LockStatistics()

        @usableFromInline
        init(policy: Policy) { self.policy = policy }
    }

    /// Looks at the own slot before a waiter yields the processor.
    @inlinable static var spinsBeforeYield: Int { 64 }

    @usableFromInline let lock = SpinLock()
    /// Reached through a pointer, as in `LockedSelector`, to spare each access an exclusivity check.
    @usableFromInline let guarded: UnsafeMutablePointer<Guarded>
    @usableFromInline let slots: ThreadSlots
    @usableFromInline let requests: AtomicCounterArray<UInt64>
    /// Nanoseconds each slot's published requests waited for their answers.
    @usableFromInline let waited: AtomicCounterArray<UInt64>

    public let serverCount: Int

    /// Wraps `policy`; the selector owns it from now on.
    public init(policy: Policy) {
        serverCount = policy.serverCount
        guarded = .allocate(capacity: 1)
        // Its own copy, never copied again (see `LockedSelector.init(policy:lock:)`).
        guarded.initialize(to: Guarded(policy: adoptedForExclusiveOwnership(policy)))
        slots = ThreadSlots()
        requests = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
        waited = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
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

    @inlinable
    public func pick() -> ServerID? {
        let answer = perform(CombiningRequest.pick)
        return answer == 0 ? nil : ServerID(Int(answer) - 1)
    }

    @inlinable
    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        _ = perform(CombiningRequest.release(server.index))
    }

    /// Applies `request` (a pick or a release) and returns its answer.
    @inlinable @inline(__always)
    func perform(_ request: UInt64) -> UInt64 {
        if lock.tryLock() {
            let answer = apply(request)
            combine()
            lock.unlock()
            return answer
        }
        return performContended(request)
    }

    /// The lock was held: publish `request` and wait for its answer, combining whenever the
    /// lock comes free.
    @inlinable
    func performContended(_ request: UInt64) -> UInt64 {
        let start = MonotonicClock.nanoseconds()
        let slot = slots.current()
        let word = requests[slot]
        // Releasing: the request is read by the combiner with an acquiring load.
        guard word.compareExchange(expected: CombiningRequest.empty, desired: request, ordering: .releasing).exchanged else {
            return applyWaitingForTheLock(request, since: start)
        }
        var looks = 0
        while true {
            // Acquiring: the answer was stored with a releasing store by the combiner.
            let state = word.load(ordering: .acquiring)
            if state & 3 == CombiningRequest.doneTag {
                // Releasing: a neighbour sharing the slot may publish as soon as it sees it free.
                word.store(CombiningRequest.empty, ordering: .releasing)
                // Relaxed: a statistic, read after the fact.
                waited[slot].wrappingIncrement(by: MonotonicClock.nanoseconds() &- start, ordering: .relaxed)
                return state >> 2
            }
            if lock.tryLock() {
                combine()
                lock.unlock()
                continue
            }
            looks &+= 1
            if looks >= Self.spinsBeforeYield {
                sched_yield()
                looks = 0
            }
        }
    }

    /// Applies `request` after taking the lock the slow way (its slot was busy with a
    /// neighbour's request): counted as contended, its wait since `start` counted too.
    @usableFromInline
    func applyWaitingForTheLock(_ request: UInt64, since start: UInt64) -> UInt64 {
        lock.lock()
        defer {
            combine()
            lock.unlock()
        }
        guarded.pointee.statistics.contendedAcquisitions &+= 1
        guarded.pointee.statistics.waitNanoseconds &+= MonotonicClock.nanoseconds() &- start
        return apply(request)
    }

    /// Applies one request to the policy; the caller holds the lock.
    @inlinable @inline(__always)
    func apply(_ request: UInt64) -> UInt64 {
        guarded.pointee.statistics.acquisitions &+= 1
        if request == CombiningRequest.pick {
            guard let server = guarded.pointee.policy.pick() else { return 0 }
            return UInt64(server.index) + 1
        }
        guarded.pointee.policy.release(ServerID(Int(request >> 2)))
        return 0
    }

    /// Applies every published request and answers it; the caller holds the lock.
    ///
    /// - Complexity: O(slots) loads, plus the policy's cost for each request found.
    @inlinable @inline(__always)
    func combine() {
        for slot in 0..<slots.count {
            let word = requests[slot]
            // Acquiring: pairs with the publisher's releasing compare-and-swap.
            let state = word.load(ordering: .acquiring)
            guard CombiningRequest.isPending(state) else { continue }
            guarded.pointee.statistics.contendedAcquisitions &+= 1
            // Releasing: publishes the policy's new state along with the answer.
            word.store(CombiningRequest.done(apply(state)), ordering: .releasing)
        }
    }

    /// Runs `body` with the lock held (waiting for it if need be), then answers any published
    /// requests before letting go; counted as one operation, as `LockedSelector` counts it
    /// (contended, with its wait, when the lock was held).
    @usableFromInline
    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        if !lock.tryLock() {
            let start = MonotonicClock.nanoseconds()
            lock.lock()
            guarded.pointee.statistics.contendedAcquisitions &+= 1
            guarded.pointee.statistics.waitNanoseconds &+= MonotonicClock.nanoseconds() &- start
        }
        defer {
            combine()
            lock.unlock()
        }
        guarded.pointee.statistics.acquisitions &+= 1
        return try body()
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try withLock { () throws(SelectorConfigurationError) in try guarded.pointee.policy.setWeight(weight, for: server) }
    }

    public func activeConnections() -> [Int] {
        withLock { guarded.pointee.policy.activeConnections() }
    }

    public func weights() -> [Int] {
        withLock { guarded.pointee.policy.weights() }
    }

    /// `acquisitions` counts every operation (picks, releases, `assign`, `setWeight`, the
    /// snapshots, this call), as `LockedSelector` counts its acquisitions; `contendedAcquisitions`
    /// those that found the lock held (applied by a combiner, or directly after waiting);
    /// `waitNanoseconds` the time they waited for their answers or for the lock.
    public func contentionStatistics() -> ContentionStatistics {
        var statistics = withLock { guarded.pointee.statistics }
        for slot in 0..<slots.count {
            // Relaxed: statistics, read after the fact.
            statistics.waitNanoseconds &+= waited[slot].load(ordering: .relaxed)
        }
        return ContentionStatistics(lock: statistics)
    }
}

/// The policy is touched only with `lock` held; requests and answers are atomics.
extension CombiningSelector: @unchecked Sendable {}

extension CombiningSelector {
    /// Counts one more active connection on `server` with the lock held.
    ///
    /// - Complexity: the policy's `assign`, plus one lock acquisition and a pass over the slots.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        withLock { guarded.pointee.policy.assign(server) }
    }
}
