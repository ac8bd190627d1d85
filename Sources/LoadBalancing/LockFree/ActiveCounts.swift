import Atomics

/// Per-server active-connection counts for the lock-free selectors that keep one atomic count
/// per server (`round-robin`, `atomic-scan`, `p2c`), with the rules every selector must keep:
/// a count never exceeds `SelectorLimits.maximumActiveConnections`, never goes below 0 (a
/// release is a compare-and-swap loop that refuses at 0, so a double release stops the process
/// instead of leaving -1 behind), and failed compare-and-swaps are counted on a separate cache
/// line that is written only when one fails.
///
/// A count is stored in 4 bytes, since no count may exceed `UInt32.max`
/// (`SelectorLimits.maximumActiveConnections`): packed, sixteen share a cache line, so `p2c`'s
/// counts for 100,000 servers take 400 KB instead of 800, and with the weights
/// (`AtomicWeightTable`, 4 bytes each) its random reads fit a 1 MB L2 cache. Measured with
/// `lbbench check` while `scripts/memory-hog.c` streamed over 256 MiB on the other core (AMD EPYC
/// Zen 4, 2 cores): `p2c` pick + release at 100,000 servers 39–63 ns with 8-byte words, 27–36 ns
/// with 4-byte ones (64 servers: 21–26 ns either way).
///
/// - Complexity: every operation O(1) (lock-free: a compare-and-swap fails only because
///   another thread's succeeded). Memory: 64 bytes per server padded, 4 packed, plus two
///   cache lines.
/// - Note: Thread-safe.
struct ActiveCounts: ~Copyable {
    /// One count per server, at most `UInt32.max` (checked before every increment).
    private let counts: AtomicCounterArray<UInt32>
    private let retries: AtomicCounterArray<Int>

    init(serverCount: Int, layout: CounterLayout) {
        counts = AtomicCounterArray(count: serverCount, layout: layout)
        retries = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
    }

    /// `server`'s count as of now; may be stale by the time the caller acts on it.
    @inline(__always)
    func load(_ server: Int) -> Int {
        Int(counts[server].load(ordering: .relaxed))
    }

    /// Adds one connection to `server` unconditionally.
    @inline(__always)
    func claim(_ server: Int) {
        // Sequentially consistent: the claim must precede the caller's drain check in the
        // single total order (see `AtomicWeightTable`).
        let before = Int(counts[server].loadThenWrappingIncrement(ordering: .sequentiallyConsistent))
        if before >= SelectorLimits.maximumActiveConnections { SelectorMisuse.tooManyConnections(ServerID(server)) }
    }

    /// Adds one connection to `server` only if its count is still `expected`.
    ///
    /// - Returns: whether it did, and the count found (the new count's predecessor on success).
    @inline(__always)
    func claim(_ server: Int, ifStill expected: Int) -> (claimed: Bool, found: Int) {
        if expected >= SelectorLimits.maximumActiveConnections { SelectorMisuse.tooManyConnections(ServerID(server)) }
        // Sequentially consistent: as in `claim(_:)`.
        let (exchanged, original) = counts[server].compareExchange(
            expected: UInt32(expected), desired: UInt32(expected + 1), ordering: .sequentiallyConsistent)
        if !exchanged { countRetries(1) }
        return (exchanged, Int(original))
    }

    /// Takes one connection off `server`; stops the process if it has none.
    @inline(__always)
    func release(_ server: Int) {
        let counter = counts[server]
        var observed = counter.load(ordering: .relaxed)
        var failedAttempts = 0
        while observed > 0 {
            let (exchanged, original) = counter.compareExchange(
                expected: observed, desired: observed - 1, ordering: .relaxed)
            if exchanged {
                if failedAttempts > 0 { countRetries(failedAttempts) }
                return
            }
            failedAttempts += 1
            observed = original
        }
        SelectorMisuse.releaseWithoutConnection(ServerID(server))
    }

    /// Every count, each read separately.
    func snapshot() -> [Int] {
        // Sequentially consistent (a plain load on x86-64, `ldar` on ARM): an operator waiting
        // for a drain reads the count after storing the 0 weight, and the drain argument of
        // `AtomicWeightTable` orders that read against the picks' claims in the single total
        // order; relaxed, it relied on the read-modify-write the drain happens to do between.
        (0..<counts.count).map { Int(counts[$0].load(ordering: .sequentiallyConsistent)) }
    }

    /// Failed compare-and-swaps so far.
    var casRetries: UInt64 {
        UInt64(retries[0].load(ordering: .relaxed))
    }

    private func countRetries(_ attempts: Int) {
        retries[0].wrappingIncrement(by: attempts, ordering: .relaxed)
    }
}

extension ActiveCounts {
    /// Adds one connection to `server` for `ServerSelector.assign(_:)`, after checking the
    /// id; unlike a pick it ignores weights (a drained server's connections still count).
    @inline(__always)
    func assign(_ server: ServerID, serverCount: Int) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        claim(server.index)
    }
}
