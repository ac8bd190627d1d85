import Atomics

/// Counts the workers running their measured loop at once and keeps the maximum seen, which
/// proves (or disproves) that the workers really overlapped.
///
/// - Note: Thread-safe.
final class OverlapCounter: Sendable {
    private let running = ManagedAtomic<Int>(0)
    private let peak = ManagedAtomic<Int>(0)

    /// A worker starts its measured loop.
    func enter() {
        // Relaxed: only the counts matter, no other memory is published through them.
        let now = running.wrappingIncrementThenLoad(ordering: .relaxed)
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    /// A worker ends its measured loop.
    func leave() {
        running.wrappingDecrement(ordering: .relaxed)
    }

    /// The workers in their measured loop now (for tests that order workers by it).
    var current: Int {
        // Relaxed: a count only; nothing else is learnt through it.
        running.load(ordering: .relaxed)
    }

    /// The most workers seen running at once. Read after the workers are joined (the join
    /// orders their updates before this read).
    var maximum: Int { peak.load(ordering: .relaxed) }
}
