import Atomics

/// The picks a cell may still make, claimed by workers in batches so that they all keep
/// running until the budget is spent and stop within one batch of each other.
///
/// - Note: Thread-safe.
final class PickBudget: Sendable {
    private let remaining: ManagedAtomic<Int>

    init(total: Int) { remaining = ManagedAtomic(total) }

    /// Claims up to `batch` picks; returns how many were granted (0 when spent).
    func claim(upTo batch: Int) -> Int {
        // Relaxed: the budget is a plain counter; no data is handed over through it.
        let before = remaining.loadThenWrappingDecrement(by: batch, ordering: .relaxed)
        return max(0, min(batch, before))
    }
}
