import Foundation

/// What the workers of one cell share besides the selector: the start gate, the overlap
/// counter, the slots they leave their outcomes in and, for runs measured in picks, the
/// pick budget.
///
/// - Note: Thread-safe: every member is.
final class WorkerCoordination: Sendable {
    let gate: StartGate
    let overlap = OverlapCounter()
    let outcomes: WorkerOutcomes
    /// `nil` for runs measured in seconds.
    let budget: PickBudget?

    init(workers: Int, length: RunLength) {
        gate = StartGate(parties: workers)
        outcomes = WorkerOutcomes(workers: workers)
        if case let .picks(count) = length { budget = PickBudget(total: count) } else { budget = nil }
    }
}

/// Where workers leave their outcomes for the coordinator.
///
/// Guarded by an `NSLock`, not the standard library's `Mutex`: ThreadSanitizer reported
/// `Mutex.withLock` here as a "Swift access race" (one run in several), a false report that
/// would fail the sanitizer run, while it understands `NSLock`'s pthread calls.
///
/// - Note: Thread-safe.
final class WorkerOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    /// Read and written only with `lock` held.
    private var slots: [WorkerOutcome?]

    init(workers: Int) { slots = Array(repeating: nil, count: workers) }

    func store(_ outcome: WorkerOutcome, worker: Int) {
        lock.withLock { slots[worker] = outcome }
    }

    /// Every outcome, in worker order; call after every worker has been joined.
    func collected() -> [WorkerOutcome] {
        lock.withLock {
            slots.map { slot in
                guard let slot else { preconditionFailure("a joined worker left no outcome") }
                return slot
            }
        }
    }
}
