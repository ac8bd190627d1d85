import Synchronization

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
/// - Note: Thread-safe.
final class WorkerOutcomes: Sendable {
    private let slots: Mutex<[WorkerOutcome?]>

    init(workers: Int) { slots = Mutex(Array(repeating: nil, count: workers)) }

    func store(_ outcome: WorkerOutcome, worker: Int) {
        slots.withLock { $0[worker] = outcome }
    }

    /// Every outcome, in worker order; call after every worker has been joined.
    func collected() -> [WorkerOutcome] {
        slots.withLock { slots in
            slots.map { slot in
                guard let slot else { preconditionFailure("a joined worker left no outcome") }
                return slot
            }
        }
    }
}
