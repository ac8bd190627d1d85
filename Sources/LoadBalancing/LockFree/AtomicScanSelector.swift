import Atomics

/// `atomic-scan`: a lock-free scan of padded atomic counts for the minimal score, then a
/// compare-and-swap that claims the chosen server only if its count is still the one seen.
///
/// Mirrors IPVS `wlc`, which walks its server list under RCU without a lock and updates
/// per-server atomic counters. Weighted: scores `active / weight` compare exactly (`Score`).
///
/// # How approximate
/// Single-threaded it always picks a minimal score. Under concurrency the scan reads each
/// count at a different moment, so it returns a minimum over a view that was never
/// simultaneously true: a server counted before another thread released from it looks worse
/// than it is, one counted before another thread picked it looks better. The compare-and-swap
/// bounds the second error for the chosen server: it claims the server only if its count is
/// still the one scanned. If the count changed but is still no higher, the claim is retried on
/// the same server (it is still as good as the minimum seen); if it grew, the whole scan is
/// redone. Every failed compare-and-swap is counted (`contentionStatistics().casRetries`).
/// The other servers' counts may still have moved during the scan, by at most the number of
/// picks and releases other threads made meanwhile.
///
/// # Ties
/// Never "lowest index wins" (APISIX #9325, Envoy #30794): each thread scans from its own
/// cursor, left just past the server it picked last, and the first minimal server in that
/// order wins. So with one connection in flight at a time, servers take turns exactly —
/// whatever their weights: the rotation ignores weight, so at light load (every score 0)
/// servers of weights 1,2,3,4 get 25% of the picks each, and weights count only once servers
/// are loaded enough for scores to differ. (The exact selectors' weighted tie rule needs a
/// virtual time per server kept in order, which a lock-free scan of independent counts does not
/// have; `LightLoadWeightTests` pins this behaviour.) Cursors live in the thread's slot
/// (`ThreadSlots`), so threads never write one shared line for tie-breaking.
///
/// # Drain
/// Drained servers are skipped; a server drained between the scan and the claim is given back
/// and the pick scans again, so no pick that starts after `setWeight(0, …)` returns gets it,
/// and once its count is seen at 0 no connection to it is returned again (`AtomicWeightTable`;
/// a pick racing the drain may raise the count for an instant). A pick returns `nil`
/// only if every server was drained at one moment, not merely when its scan saw them so.
///
/// - Complexity: pick O(n) loads (plus a rescan per lost race); release O(1) lock-free;
///   `setWeight` O(1), serialized by a writer lock. Memory: 68 bytes per server (a count on its
///   own 64-byte cache line, so a pick's write invalidates no other server's count in another
///   core's cache, and a 4-byte packed weight), plus 64 bytes per thread slot.
/// - Note: Thread-safe. Approximate under concurrency (see above); lock-free picks and releases, but at the last eligible server's drain or undrain (`AtomicWeightTable`, "Progress").
public final class AtomicScanSelector: ServerSelector {
    public let serverCount: Int
    private let weightTable: AtomicWeightTable
    private let active: ActiveCounts
    private let slots: ThreadSlots
    private let cursors: AtomicCounterArray<Int>

    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
    ///   - layout: how the per-server counts are laid out; one cache line each by default.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], layout: CounterLayout = .cacheLinePerCounter) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        serverCount = weights.count
        weightTable = AtomicWeightTable(validated: weights)
        active = ActiveCounts(serverCount: weights.count, layout: layout)
        slots = ThreadSlots()
        cursors = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
    }

    public func pick() -> ServerID? {
        // Relaxed: a cursor is a hint for tie-breaking; threads sharing a slot may overwrite
        // each other's, which only changes which of several equal servers goes first.
        let cursor = cursors[slots.current()]
        let start = cursor.load(ordering: .relaxed)
        scanning: while true {
            guard let best = minimalScore(from: start) else {
                if weightTable.noneEligible() { return nil }
                continue  // raced with a drain and an undrain: look again
            }
            var expected = best.active
            while true {
                let (claimed, found) = active.claim(best.server, ifStill: expected)
                if claimed { break }
                // Still no busier than the minimum seen: it is still a right answer.
                guard found <= best.active else { continue scanning }
                expected = found
            }
            if weightTable.isDrained(afterClaiming: best.server) {
                active.release(best.server)
                continue
            }
            cursor.store(best.server + 1 == serverCount ? 0 : best.server + 1, ordering: .relaxed)
            return ServerID(best.server)
        }
    }

    /// The first server of minimal score in scan order from `start` (wrapping), with the count
    /// it was scored by; `nil` if no server had weight > 0 when read.
    @inline(__always)
    private func minimalScore(from start: Int) -> (server: Int, active: Int)? {
        var best = -1
        var bestScore = Score(active: 0, weight: 1)
        @inline(__always)
        func consider(_ range: Range<Int>) {
            for server in range {
                let weight = weightTable.weight(server)
                if weight == 0 { continue }
                let score = Score(active: UInt32(truncatingIfNeeded: active.load(server)), weight: UInt32(truncatingIfNeeded: weight))
                if best < 0 || score < bestScore {
                    best = server
                    bestScore = score
                }
            }
        }
        consider(start..<serverCount)
        consider(0..<start)
        return best < 0 ? nil : (best, Int(bestScore.active))
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        active.release(server.index)
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server)
    }

    public func activeConnections() -> [Int] { active.snapshot() }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: active.casRetries)
    }
}

/// Every mutable field is an atomic; weight changes are serialized by the table's lock.
extension AtomicScanSelector: @unchecked Sendable {}

extension AtomicScanSelector {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: O(1): one atomic add on the server's count.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        active.assign(server, serverCount: serverCount)
    }
}
