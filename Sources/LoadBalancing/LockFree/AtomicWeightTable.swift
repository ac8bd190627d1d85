import Atomics

/// The weights of a lock-free selector: read by picks without locking, changed by
/// `setWeight` one writer at a time.
///
/// Picks read weights with relaxed loads while they look for a server. On its own that would
/// let a pick that read a weight just before a drain add its connection after the operator
/// has already seen the server idle. So a pick first claims (adds its connection to the
/// server's count), then reads the weight again (`isDrained(afterClaiming:)`) and gives the
/// connection back if it reads 0. Claim, re-read and `set`'s store are sequentially
/// consistent, so every pick that returns server `s` claimed it before `setWeight(0, for: s)`
/// stored the 0. Hence no pick that starts after the drain returns gets `s`, and once `s`'s
/// count has been read as 0 after the drain, no connection to `s` is ever returned again
/// until it is undrained: a drain can be waited for. (A pick racing the drain may raise the
/// count by one for an instant before it gives its claim back.)
///
/// The eligible count (`eligible[0]`) counts the servers with weight > 0 and is what makes
/// `pick` return `nil` only when every server is drained: a scan that found no eligible server
/// may have raced with a drain and an undrain, so the pick returns `nil` only if that count is 0. The
/// writer raises the count *before* storing a positive weight and lowers it *after* storing
/// a 0, so at every point of the sequentially consistent order it is at least the true number.
///
/// # Progress
/// Picks are lock-free but for one moment: while the eligible count is above the number of
/// servers with weight > 0, a pick that finds none scans again rather than return `nil`, so
/// it waits for the writer. That is only while a writer is between its two steps on a
/// server that is the last one eligible or the first to become so (every server drained and
/// one being undrained, or the last one being drained): if that writer is descheduled there,
/// picks spin until it runs again. At every other moment a scan that finds nothing has raced
/// with a writer that made progress.
///
/// Writers are serialized by a `BlockingLock` (the futex mutex), as IPVS serializes
/// configuration changes under `__ip_vs_mutex` while its packet path walks the list
/// locklessly; weight changes are rare, so the lock costs the hot path nothing.
///
/// - Complexity: reads O(1); `set` O(1) plus whatever the caller does under the lock.
///   Memory: 4 bytes per server (a weight is at most `UInt32.max`; packed: weights are
///   read-mostly, so packing them costs no false sharing) plus two cache lines.
/// - Note: Thread-safe.
struct AtomicWeightTable: ~Copyable {
    /// One weight per server, at most `SelectorLimits.maximumWeight` (`UInt32.max`).
    private let weights: AtomicCounterArray<UInt32>
    private let eligible: AtomicCounterArray<Int>
    private let writer = BlockingLock()

    /// - Parameter weights: already checked by `WeightValidation.validate(_:)`.
    init(validated weights: [Int]) {
        self.weights = AtomicCounterArray(count: weights.count, layout: .packed)
        for (server, weight) in weights.enumerated() {
            self.weights[server].store(UInt32(weight), ordering: .relaxed)
        }
        eligible = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        eligible[0].store(weights.count { $0 > 0 }, ordering: .relaxed)
    }

    var serverCount: Int { weights.count }

    /// `server`'s weight, for choosing: may be stale by the time the caller acts on it.
    @inline(__always)
    func weight(_ server: Int) -> Int {
        Int(weights[server].load(ordering: .relaxed))
    }

    /// Whether `server` is drained, read after the caller added its connection to the server's
    /// count; if so the caller must take the connection back and choose again.
    @inline(__always)
    func isDrained(afterClaiming server: Int) -> Bool {
        // Sequentially consistent: must be ordered after the caller's claim and against
        // `set`'s store, or a pick could miss a drain that completed before it started.
        weights[server].load(ordering: .sequentiallyConsistent) == 0
    }

    /// Whether every server is drained now; called only when a scan found no eligible server.
    func noneEligible() -> Bool {
        // Sequentially consistent: ordered against the writer's weight stores (see the type's
        // comment), so 0 here means that every weight was 0 at this point.
        eligible[0].load(ordering: .sequentiallyConsistent) == 0
    }

    /// A lock-free pick's slow path, after an attempt gave no server: `attempt` again until it
    /// gives one, or `nil` once no server is eligible (`noneEligible`).
    ///
    /// - Complexity: O(1) per attempt; it ends when an attempt succeeds or every server is
    ///   drained, so it spins only while a drain or an undrain is being published.
    @inline(__always)
    func retry(_ attempt: () -> ServerID?) -> ServerID? {
        while !noneEligible() {
            if let server = attempt() { return server }
        }
        return nil
    }

    /// Every server's weight, each read separately.
    func snapshot() -> [Int] {
        (0..<serverCount).map { weight($0) }
    }

    /// Validates and stores `weight` for `server`; if that changed the weight, runs
    /// `afterChange` with the table and the server's weight before the change, with the writer
    /// lock still held (round-robin republishes its schedule there; `sharded` moves an undrained
    /// server's pass, knowing from the old weight that it was drained).
    ///
    /// - Throws: `SelectorConfigurationError` for an unknown server or an invalid weight;
    ///   nothing changes then.
    func set(
        _ weight: Int, for server: ServerID, afterChange: (borrowing AtomicWeightTable, _ old: Int) -> Void = { _, _ in }
    ) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        writer.lock()
        defer { writer.unlock() }
        let slot = weights[server.index]
        let old = Int(slot.load(ordering: .relaxed))
        // Sequentially consistent stores and count updates, in the order that keeps the count
        // an upper bound (see the type's comment) and pairs with `isDrained(afterClaiming:)`.
        if old == 0 && weight > 0 {
            eligible[0].wrappingIncrement(ordering: .sequentiallyConsistent)
            slot.store(UInt32(weight), ordering: .sequentiallyConsistent)
        } else if old > 0 && weight == 0 {
            slot.store(0, ordering: .sequentiallyConsistent)
            eligible[0].wrappingDecrement(ordering: .sequentiallyConsistent)
        } else if old != weight {
            slot.store(UInt32(weight), ordering: .sequentiallyConsistent)
        } else {
            return
        }
        afterChange(self, old)
    }
}
