import Foundation

/// What one server visit of a pick that scans every server costs: one figure while the scanned
/// entries stay in the caches, a higher one once they are well beyond them, and in between a
/// cost that grows with the logarithm of the entries (measured so: the caches' hit rate falls
/// level by level as the farm doubles). Commands bound the work of a scanning selector before
/// it starts (`lbbench run`'s cells, `lbbench simulate`'s runs) by multiplying the visits by
/// this cost; each keeps a table of its own, measured through itself.
///
/// Each table says where its figures come from; the scan tables hold the slowest measured on the
/// slowest 2-core machine the project has run on (an AMD EPYC Zen 1 VM at 2.0 GHz), so that a
/// bound stated in minutes holds there and is pessimistic elsewhere.
///
/// - Note: A value; thread-safe.
public struct ScanVisitCost: Sendable, Equatable {
    /// Nanoseconds a visit costs while the scanned entries fit the caches.
    public var cachedNanoseconds: Double
    /// The most entries that still count as cached.
    public var cachedEntries: Int
    /// Nanoseconds a visit costs from `uncachedEntries` on.
    public var uncachedNanoseconds: Double
    /// The fewest entries that cost `uncachedNanoseconds`; more than `cachedEntries`.
    public var uncachedEntries: Int

    public init(cachedNanoseconds: Double, cachedEntries: Int, uncachedNanoseconds: Double, uncachedEntries: Int) {
        precondition(cachedEntries >= 1 && uncachedEntries > cachedEntries, "the cached tier ends before the uncached one")
        self.cachedNanoseconds = cachedNanoseconds
        self.cachedEntries = cachedEntries
        self.uncachedNanoseconds = uncachedNanoseconds
        self.uncachedEntries = uncachedEntries
    }

    /// The cost of one visit when the scans touch `entries` entries in all.
    ///
    /// - Complexity: O(1).
    public func nanoseconds(entries: Int) -> Double {
        if entries <= cachedEntries { return cachedNanoseconds }
        if entries >= uncachedEntries { return uncachedNanoseconds }
        let progress = log2(Double(entries) / Double(cachedEntries)) / log2(Double(uncachedEntries) / Double(cachedEntries))
        return cachedNanoseconds + (uncachedNanoseconds - cachedNanoseconds) * progress
    }

    /// The estimated seconds of `visits` visits over `entries` entries (`visits` may be any
    /// size: the product is a `Double`, so it cannot overflow).
    ///
    /// - Complexity: O(1).
    public func seconds(visits: Double, entries: Int) -> Double {
        visits * nanoseconds(entries: entries) * 1e-9
    }
}
