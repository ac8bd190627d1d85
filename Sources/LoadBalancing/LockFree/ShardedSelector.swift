import Atomics

/// `sharded`: each server's count is split into stripes, one per thread slot, as Java's
/// `LongAdder` splits a counter into cells, so that threads picking and releasing write
/// different cache lines; a server's count is the sum of its stripes.
///
/// # Layout
/// Stripe `s` is one packed array of per-server words, padded to whole cache lines, and a
/// thread writes only the stripe of its slot (`ThreadSlots`: the first `stripes` threads each
/// get their own). A pick adds to the picking thread's stripe. A release takes from the
/// releasing thread's stripe if it holds any of that server's connections, else from another
/// stripe that does: a connection picked on one thread and released on another (common in
/// proxies) moves a unit between stripes, and no stripe ever goes below 0, so no sum does.
///
/// # Telling a double release from a race
/// A release that finds every stripe at 0 in one pass may have raced with units moving behind
/// its pass. Each stripe word therefore holds a 32-bit count and a 32-bit version that every
/// change bumps; the release then takes a snapshot by double collect (Afek et al., "Atomic
/// snapshots of shared memory", JACM 1993: two passes that read identical words saw every
/// stripe unchanged in between). A snapshot that sums to 0 proves that no connection of the
/// server was active at that moment, so the release is misuse and stops the process; otherwise
/// it tries again.
///
/// # Cost and how approximate
/// Picks scan every server and sum its stripes: O(n · stripes) loads, the price of never
/// writing a shared line (the `LongAdder` trade: cheap writes, expensive reads). The sum of a
/// server is read stripe by stripe while others change them, and the claim is an add, not a
/// compare-and-swap (there is no single word to compare), so a pick is a minimum over a view
/// that may be off by every operation other threads made during the scan. Single-threaded it
/// always picks a minimal score. Ties go to the first minimal server after the thread's own
/// cursor, so equal servers take turns.
///
/// # Drain
/// Drained servers are skipped; a server drained between the scan and the claim is given back
/// and the pick scans again, so no pick that starts after `setWeight(0, …)` returns gets it,
/// and once its count is seen at 0 it stays 0 (`AtomicWeightTable`). A pick returns `nil`
/// only if every server was drained at one moment, not merely when its scan saw them so.
///
/// - Complexity: pick O(n · stripes); release O(1) when the releasing thread picked it,
///   O(stripes) otherwise, plus snapshots when racing; `setWeight` O(1), serialized by a
///   writer lock. Memory: 8 × stripes + 8 bytes per server (16 + 8 on a 2-core machine,
///   64 + 8 with 8 stripes), plus 64 bytes per slot.
/// - Note: Thread-safe. Approximate under concurrency (see above); lock-free picks and releases.
public final class ShardedSelector: ServerSelector {
    public let serverCount: Int
    /// The number of stripes, a power of two.
    public let stripeCount: Int
    private let weightTable: AtomicWeightTable
    private let slots: ThreadSlots
    /// Stripe `s` of server `i` is word `s * stripeLength + i`.
    private let stripes: AtomicCounterArray<Int>
    private let stripeLength: Int
    private let cursors: AtomicCounterArray<Int>
    private let retries: AtomicCounterArray<Int>

    /// A stripe word: the count in the low 32 bits, a version in the high 32 bits.
    private static let countMask = (1 << 32) - 1
    /// Adds one connection and bumps the version.
    private static let oneMore = 1 << 32 | 1

    /// The default number of stripes: the processor count rounded up to a power of two, at
    /// least 2 and at most 64 (more stripes than processors never run at once).
    public static var defaultStripeCount: Int { ThreadSlots.defaultCount }

    /// - Parameter stripes: a power of two, at most 64.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], stripes: Int = ShardedSelector.defaultStripeCount) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        precondition(stripes > 0 && stripes & (stripes - 1) == 0 && stripes <= 64, "stripes must be a power of two ≤ 64")
        serverCount = weights.count
        stripeCount = stripes
        weightTable = AtomicWeightTable(validated: weights)
        slots = ThreadSlots(count: stripes)
        let wordsPerLine = 64 / MemoryLayout<Int>.stride
        stripeLength = (weights.count + wordsPerLine - 1) / wordsPerLine * wordsPerLine
        self.stripes = AtomicCounterArray(count: stripeLength * stripes, layout: .packed)
        cursors = AtomicCounterArray(count: stripes, layout: .cacheLinePerCounter)
        retries = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
    }

    @inline(__always)
    private func word(_ server: Int, stripe: Int) -> UnsafeAtomic<Int> {
        stripes[stripe &* stripeLength &+ server]
    }

    /// `server`'s count, summed stripe by stripe (not a snapshot).
    @inline(__always)
    private func count(of server: Int) -> Int {
        var sum = 0
        for stripe in 0..<stripeCount {
            sum &+= word(server, stripe: stripe).load(ordering: .relaxed) & Self.countMask
        }
        return sum
    }

    public func pick() -> ServerID? {
        let slot = slots.current()
        let cursor = cursors[slot]
        // Relaxed: a cursor is a tie-breaking hint (see `AtomicScanSelector`).
        let start = cursor.load(ordering: .relaxed)
        while true {
            guard let server = minimalScore(from: start) else {
                if weightTable.noneEligible() { return nil }
                continue  // raced with a drain and an undrain: look again
            }
            // Sequentially consistent: the claim must precede the drain check below in the
            // single total order (see `AtomicWeightTable`).
            word(server, stripe: slot).wrappingIncrement(by: Self.oneMore, ordering: .sequentiallyConsistent)
            if weightTable.isDrained(afterClaiming: server) {
                release(server, preferring: slot)
                continue
            }
            cursor.store(server + 1 == serverCount ? 0 : server + 1, ordering: .relaxed)
            return ServerID(server)
        }
    }

    /// The first server of minimal score in scan order from `start` (wrapping); `nil` if no
    /// server had weight > 0 when read.
    @inline(__always)
    private func minimalScore(from start: Int) -> Int? {
        var best = -1
        var bestScore = Score(active: 0, weight: 1)
        @inline(__always)
        func consider(_ range: Range<Int>) {
            for server in range {
                let weight = weightTable.weight(server)
                if weight == 0 { continue }
                let active = count(of: server)
                if active >= SelectorLimits.maximumActiveConnections { SelectorMisuse.tooManyConnections(ServerID(server)) }
                let score = Score(active: UInt32(active), weight: UInt32(truncatingIfNeeded: weight))
                if best < 0 || score < bestScore {
                    best = server
                    bestScore = score
                }
            }
        }
        consider(start..<serverCount)
        consider(0..<start)
        return best < 0 ? nil : best
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        release(server.index, preferring: slots.current())
    }

    /// Takes one connection off `server`, from stripe `own` if it has one, else from the
    /// first stripe after it that does; stops the process if the server has none.
    private func release(_ server: Int, preferring own: Int) {
        var failedAttempts = 0
        defer {
            // Relaxed: a statistic, read after the fact; touched only when a CAS failed.
            if failedAttempts > 0 { retries[0].wrappingIncrement(by: failedAttempts, ordering: .relaxed) }
        }
        while true {
            for offset in 0..<stripeCount {
                let stripe = word(server, stripe: (own + offset) & (stripeCount - 1))
                var observed = stripe.load(ordering: .relaxed)
                while observed & Self.countMask > 0 {
                    // Relaxed: counts publish no other memory. Subtracting 1 and adding 1 << 32
                    // takes one connection and bumps the version in one word.
                    let (exchanged, original) = stripe.compareExchange(
                        expected: observed, desired: observed &+ (1 << 32) &- 1, ordering: .relaxed)
                    if exchanged { return }
                    failedAttempts += 1
                    observed = original
                }
            }
            if snapshotCount(of: server) == 0 { SelectorMisuse.releaseWithoutConnection(ServerID(server)) }
        }
    }

    /// `server`'s count at one moment, by double collect: reads every stripe twice and
    /// retries until both passes agree word for word. Runs only when a release found nothing
    /// to take, so its cost is off the common path.
    private func snapshotCount(of server: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: stripeCount) { first in
            while true {
                // Sequentially consistent: every load of the first pass must come before every
                // load of the second, or agreeing passes would prove nothing.
                for stripe in 0..<stripeCount {
                    first[stripe] = word(server, stripe: stripe).load(ordering: .sequentiallyConsistent)
                }
                var sum = 0
                var unchanged = true
                for stripe in 0..<stripeCount {
                    let again = word(server, stripe: stripe).load(ordering: .sequentiallyConsistent)
                    unchanged = unchanged && again == first[stripe]
                    sum += again & Self.countMask
                }
                if unchanged { return sum }
            }
        }
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server)
    }

    /// Every server's count, each summed stripe by stripe while others may be changing them.
    public func activeConnections() -> [Int] {
        (0..<serverCount).map { count(of: $0) }
    }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: UInt64(retries[0].load(ordering: .relaxed)))
    }
}

/// Every mutable field is an atomic; weight changes are serialized by the table's lock.
extension ShardedSelector: @unchecked Sendable {}

extension ShardedSelector: AssignableSelector {
    /// Counts one more active connection on `server`, chosen by the caller, in the calling
    /// thread's stripe.
    ///
    /// - Complexity: O(stripes): the limit check sums the stripes; then one atomic add.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if count(of: server.index) >= SelectorLimits.maximumActiveConnections { SelectorMisuse.tooManyConnections(server) }
        // Sequentially consistent, as a pick's claim.
        word(server.index, stripe: slots.current()).wrappingIncrement(by: Self.oneMore, ordering: .sequentiallyConsistent)
    }
}
