import LoadBalancing

/// Contention during the measured part of a run, per pick, from the selector's own counters
/// (`ServerSelector.contentionStatistics()`) read just before the workers start and just
/// after they stop.
///
/// The counters cost nothing on the uncontended path: a lock-based selector reads the clock
/// only when its `tryLock` fails, a lock-free one counts only failed compare-and-swaps, so
/// counting does not distort what is counted. The deltas include worker 0's periodic load
/// snapshots (one lock acquisition every `loadSampleInterval` of its steps).
public struct ContentionFigures: Codable, Sendable, Equatable {
    /// Fraction of lock acquisitions (picks, releases, snapshots) that found the lock held;
    /// `nil` for lock-free selectors.
    public var lockContendedFraction: Double?
    /// Nanoseconds spent waiting for the lock, per measured pick; `nil` for lock-free selectors.
    public var lockWaitNsPerPick: Double?
    /// Compare-and-swap retries per measured pick; `nil` for lock-based selectors and for
    /// lock-free ones that never retry.
    public var casRetriesPerPick: Double?

    public init(lockContendedFraction: Double?, lockWaitNsPerPick: Double?, casRetriesPerPick: Double?) {
        self.lockContendedFraction = lockContendedFraction
        self.lockWaitNsPerPick = lockWaitNsPerPick
        self.casRetriesPerPick = casRetriesPerPick
    }

    /// The figures for `picks` measured picks between two readings of the counters.
    public init(before: ContentionStatistics, after: ContentionStatistics, picks: Int) {
        let perPick = 1 / Double(max(picks, 1))
        if let start = before.lock, let end = after.lock {
            let acquisitions = end.acquisitions &- start.acquisitions
            let contended = end.contendedAcquisitions &- start.contendedAcquisitions
            lockContendedFraction = acquisitions == 0 ? 0 : Double(contended) / Double(acquisitions)
            lockWaitNsPerPick = Double(end.waitNanoseconds &- start.waitNanoseconds) * perPick
        }
        if let start = before.casRetries, let end = after.casRetries {
            casRetriesPerPick = Double(end &- start) * perPick
        }
    }

    /// Writes every field, `null` where not applicable, as the results contract requires
    /// (the synthesized encoder would leave absent fields out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lockContendedFraction, forKey: .lockContendedFraction)
        try container.encode(lockWaitNsPerPick, forKey: .lockWaitNsPerPick)
        try container.encode(casRetriesPerPick, forKey: .casRetriesPerPick)
    }
}
