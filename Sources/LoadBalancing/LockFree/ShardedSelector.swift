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
/// # Claims that do not herd
/// A server's count is a sum over stripes, so there is no single word a claim could
/// compare-and-swap against the count it saw. Each server therefore also has a *pass* word,
/// read before its stripes during the scan and advanced by a compare-and-swap at every claim
/// (after the connection was added to the claimer's stripe). A pick whose compare-and-swap
/// fails knows that another pick claimed the same server since its scan read it: it gives its
/// connection back and scans again, and that scan sees the other claim. So when many threads
/// finish their scans at once and all saw the same idle server, exactly one of them gets it
/// (the herding of the first design, where the claim was a plain add, measured at jainLoad 0.32
/// on 16 cores; `ShardedHerdingTests` makes that interleaving deterministic).
///
/// # Ties honour weights
/// The pass is stride scheduling (Waldspurger and Weihl, 1995): a claim advances it by
/// `2^24 / weight`, and among servers of equal score the smaller pass wins (then the first
/// after the thread's own cursor). Under light load, where every score ties at 0, a server of
/// weight `w` therefore gets `w` shares of the picks; equal servers take turns. The step is
/// rounded down to an integer, so the shares are exact for weights dividing 2^24, within
/// `w / 2^24` of exact otherwise (under 1% for weights up to 2^17), and weights of 2^24 or more
/// all step by 1, tying as equals. An undrained server rejoins behind the others (its pass is
/// set to the largest), once `setWeight` has set it: picks in the instant between the weight's
/// store and the pass's see the pass it had when drained, and may send it a few ties first.
///
/// # Totals: what a scan reads
/// Beside its stripes, each server has a *total*, one packed word that every claim adds to
/// (after its stripe, before its pass) and every release takes from (after its stripe): the
/// sum of the server's stripes, give or take the operations in flight on it. A pick's scan
/// reads the pass and the total of each server, O(n) loads over n / 8 cache lines, where the
/// first design summed every stripe, O(n · stripes) over n · stripes / 8 lines (at 4,096
/// servers and 16 stripes, 64 Ki loads per pick). That gives up half of the `LongAdder`
/// trade: a release now writes one shared word (the server's total) besides its stripe, as
/// `atomic-scan`'s release does; least connections reads every count on every pick, so the
/// reads, not the writes, are what must be cheap. The stripes still hold the counts that
/// releases take from and that tell a double release from a race (below).
///
/// # How approximate
/// A pick's server had minimal score in a view where its own count was current (no other
/// claim on it completed between the read and the claim: its compare-and-swap on the pass
/// proves it); other servers' totals may be off by the operations that landed on them during
/// the scan, and by at most one for each claim or release between its stripe and its total.
/// Claims on other servers only raise their counts, so the error of a pick is at most the
/// number of releases that touched other servers during its scan (with t threads, at most
/// t − 1 in flight at once, plus those that completed). Single-threaded it always picks a
/// minimal score.
///
/// # Drain
/// Drained servers are skipped; a server drained between the scan and the claim is given back
/// and the pick scans again, so no pick that starts after `setWeight(0, …)` returns gets it,
/// and once its count is seen at 0 no connection to it is returned again (`AtomicWeightTable`;
/// a pick racing the drain may raise the count for an instant). A pick returns `nil`
/// only if every server was drained at one moment, not merely when its scan saw them so.
///
/// - Complexity: pick O(n), plus a rescan for each lost compare-and-swap; release O(1) when
///   the releasing thread picked it, O(stripes) otherwise, plus snapshots when racing; each
///   plus one atomic add on the server's total; `setWeight` O(1), serialized by a writer
///   lock (O(n) when it undrains a server). Memory: 8 × stripes + 20 bytes per server
///   (16 + 20 on a 2-core machine, 64 + 20 with 8 stripes), plus 64 bytes per slot.
/// - Note: Thread-safe. Approximate under concurrency (see above); lock-free picks and releases, but at the last eligible server's drain or undrain (`AtomicWeightTable`, "Progress").
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
    /// Each server's pass (stride scheduling): advanced by a compare-and-swap at every claim,
    /// so it is also the version that lets only one of several picks that read it claim.
    private let passes: AtomicCounterArray<Int>
    /// Each server's total: the sum of its stripes, maintained beside them (see "Totals").
    /// Internal for tests, which plant a total no correct use makes.
    let totals: AtomicCounterArray<Int>
    /// Test hook: called with the chosen server after a pick's scan, before its claim, so a
    /// test can make several threads finish their scans before any of them claims.
    private let afterScan: (@Sendable (_ server: Int) -> Void)?

    /// A stripe word: the count in the low 32 bits, a version in the high 32 bits.
    private static let countMask = (1 << 32) - 1
    /// Adds one connection and bumps the version.
    private static let oneMore = 1 << 32 | 1

    /// A pass advances by `passUnit / weight` per claim (at least 1).
    private static let passUnit = 1 << 24

    /// The default number of stripes: the processor count rounded up to a power of two, at
    /// least 2 and at most 64 (more stripes than processors never run at once).
    public static var defaultStripeCount: Int { ThreadSlots.defaultCount }

    /// `defaultStripeCount` on a machine of `processors` processors (64 from 33 processors up).
    public static func defaultStripeCount(processors: Int) -> Int { ThreadSlots.defaultCount(processors: processors) }

    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
    ///   - stripes: a power of two, at most 64.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public convenience init(weights: [Int], stripes: Int = ShardedSelector.defaultStripeCount) throws(SelectorConfigurationError) {
        try self.init(weights: weights, stripes: stripes, afterScan: nil)
    }

    /// As `init(weights:stripes:)`, with a test hook run between each scan and its claim.
    init(
        weights: [Int], stripes: Int = ShardedSelector.defaultStripeCount,
        afterScan: (@Sendable (_ server: Int) -> Void)?
    ) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        self.afterScan = afterScan
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
        passes = AtomicCounterArray(count: weights.count, layout: .packed)
        totals = AtomicCounterArray(count: weights.count, layout: .packed)
    }

    @inline(__always)
    private func word(_ server: Int, stripe: Int) -> UnsafeAtomic<Int> {
        stripes[stripe &* stripeLength &+ server]
    }

    /// `server`'s count, summed stripe by stripe (not a snapshot): the truth its total follows.
    @inline(__always)
    private func count(of server: Int) -> Int {
        var sum = 0
        for stripe in 0..<stripeCount {
            // Sequentially consistent: read by `activeConnections()` after a drain, ordered
            // against the picks' claims as `ActiveCounts.snapshot()` is.
            sum &+= word(server, stripe: stripe).load(ordering: .sequentiallyConsistent) & Self.countMask
        }
        return sum
    }

    public func pick() -> ServerID? {
        let slot = slots.current()
        let cursor = cursors[slot]
        // Relaxed: a cursor is a tie-breaking hint (see `AtomicScanSelector`).
        let start = cursor.load(ordering: .relaxed)
        while true {
            guard let (server, pass) = minimalScore(from: start) else {
                if weightTable.noneEligible() { return nil }
                continue  // raced with a drain and an undrain: look again
            }
            afterScan?(server)
            // Sequentially consistent: the claim must precede the drain check below in the
            // single total order (see `AtomicWeightTable`).
            word(server, stripe: slot).wrappingIncrement(by: Self.oneMore, ordering: .sequentiallyConsistent)
            // Relaxed: the pass's compare-and-swap below publishes it.
            totals[server].wrappingIncrement(ordering: .relaxed)
            // Acquiring and releasing: a pick whose compare-and-swap fails on this pass sees
            // the total just raised when it scans again.
            let advanced = passes[server].compareExchange(
                expected: pass, desired: pass &+ stride(weightTable.weight(server)), ordering: .acquiringAndReleasing)
            if !advanced.exchanged || weightTable.isDrained(afterClaiming: server) {
                // Another pick claimed the server since this scan read it (or it was drained):
                // give the connection back and look again.
                if !advanced.exchanged { retries[0].wrappingIncrement(ordering: .relaxed) }
                release(server, preferring: slot)
                continue
            }
            cursor.store(server + 1 == serverCount ? 0 : server + 1, ordering: .relaxed)
            return ServerID(server)
        }
    }

    /// The stride-scheduling step of a server of `weight`: its pass advances by this much per
    /// claim, so among servers that keep tying, a server of weight `w` is claimed `w` times as
    /// often as one of weight 1.
    @inline(__always)
    private func stride(_ weight: Int) -> Int {
        Self.passUnit / max(min(weight, Self.passUnit), 1)
    }

    /// The server of minimal score in scan order from `start` (wrapping), ties going to the
    /// smaller pass, then to the first in scan order; with the pass read before its count.
    /// `nil` if no server had weight > 0 when read.
    @inline(__always)
    private func minimalScore(from start: Int) -> (server: Int, pass: Int)? {
        var best = -1
        var bestPass = 0
        var bestScore = Score(active: 0, weight: 1)
        @inline(__always)
        func consider(_ range: Range<Int>) {
            for server in range {
                let weight = weightTable.weight(server)
                if weight == 0 { continue }
                // Acquiring: pairs with the claim's compare-and-swap, so the total read next
                // includes every claim that advanced this pass.
                let pass = passes[server].load(ordering: .acquiring)
                // Relaxed: a hint, as every count in a scan (see "How approximate").
                let active = totals[server].load(ordering: .relaxed)
                // One unsigned comparison catches both totals no correct use makes: at the
                // limit, and below 0 (as a UInt, beyond the limit).
                if UInt(bitPattern: active) >= UInt(SelectorLimits.maximumActiveConnections) {
                    Self.totalOutOfRange(active, of: server)
                }
                let score = Score(active: UInt32(truncatingIfNeeded: active), weight: UInt32(truncatingIfNeeded: weight))
                if best < 0 || score < bestScore || (score == bestScore && pass &- bestPass < 0) {
                    best = server
                    bestPass = pass
                    bestScore = score
                }
            }
        }
        consider(start..<serverCount)
        consider(0..<start)
        return best < 0 ? nil : (best, bestPass)
    }

    /// Stops the process for a total that a scan read at the connection limit, or below 0.
    /// A total below 0 is a release without a connection, even though it is read without
    /// ordering: every correct release takes from the total after the claim of the connection
    /// it releases added to it (that claim happened before the connection was handed out), so
    /// in the total's modification order no prefix holds more takes than adds. Only a release
    /// of a connection never picked, or released already, takes before its add; and it may
    /// be seen here, racing a claim that has yet to add to the total, before any release
    /// finds the stripes empty.
    @inline(never)
    private static func totalOutOfRange(_ total: Int, of server: Int) -> Never {
        if total < 0 { SelectorMisuse.releaseWithoutConnection(ServerID(server)) }
        SelectorMisuse.tooManyConnections(ServerID(server))
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
                    // Subtracting 1 and adding 1 << 32 takes one connection and bumps the
                    // version in one word. Sequentially consistent, as the claims' adds are:
                    // `snapshotCount`'s proof puts every change of a stripe in the single total
                    // order with its loads, so that two agreeing passes show the stripes at
                    // one point of that order, where each correct release still finds its
                    // connection's add before its own take. A relaxed take is in no such
                    // order: a snapshot could see it yet miss an add that came before it in
                    // real time (a pick on another stripe), sum to 0 while the server held a
                    // connection throughout, and stop a correct program. Free on x86-64, where
                    // every compare-and-swap is one locked instruction whatever its ordering,
                    // and the same instructions as acquiring-and-releasing on ARM64 (CASAL with LSE).
                    let (exchanged, original) = stripe.compareExchange(
                        expected: observed, desired: observed &+ (1 << 32) &- 1, ordering: .sequentiallyConsistent)
                    if exchanged {
                        // Relaxed: a hint for scans; below 0 only after a release without a connection
                        // (`totalOutOfRange`), as it follows the stripe.
                        totals[server].wrappingDecrement(ordering: .relaxed)
                        return
                    }
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

    /// An undrained server rejoins the rotation behind the others: its pass is set to the
    /// largest pass of the eligible servers, so a long drain does not buy it a run of ties.
    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server) { table, old in
            // The old weight as the writer lock saw it: a concurrent setWeight cannot make a
            // drained server look undrained here, or the reverse.
            guard old == 0 && weight > 0 else { return }
            var latest = passes[server.index].load(ordering: .relaxed)
            for other in 0..<serverCount where table.weight(other) > 0 {
                let pass = passes[other].load(ordering: .relaxed)
                if pass &- latest > 0 { latest = pass }
            }
            // Relaxed: a tie-breaking hint; a pick racing this store at worst scans again.
            passes[server.index].store(latest, ordering: .relaxed)
        }
    }

    /// Every server's count, each summed stripe by stripe while others may be changing them.
    public func activeConnections() -> [Int] {
        (0..<serverCount).map { count(of: $0) }
    }

    /// Every server's total, as a scan reads it: equal to `activeConnections()` whenever no
    /// operation is in flight.
    func scannedCounts() -> [Int] {
        (0..<serverCount).map { totals[$0].load(ordering: .relaxed) }
    }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: UInt64(retries[0].load(ordering: .relaxed)))
    }
}

/// Every mutable field is an atomic; weight changes are serialized by the table's lock.
extension ShardedSelector: @unchecked Sendable {}

extension ShardedSelector {
    /// Counts one more active connection on `server`, chosen by the caller, in the calling
    /// thread's stripe.
    ///
    /// - Complexity: O(1): the limit check reads the total; then three atomic adds.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        if totals[server.index].load(ordering: .relaxed) >= SelectorLimits.maximumActiveConnections {
            SelectorMisuse.tooManyConnections(server)
        }
        // Sequentially consistent, as a pick's claim.
        word(server.index, stripe: slots.current()).wrappingIncrement(by: Self.oneMore, ordering: .sequentiallyConsistent)
        // Relaxed: the pass's add below publishes it.
        totals[server.index].wrappingIncrement(ordering: .relaxed)
        // Releasing: picks that read the old pass scan again and see this connection.
        passes[server.index].wrappingIncrement(by: stride(weightTable.weight(server.index)), ordering: .releasing)
    }
}
