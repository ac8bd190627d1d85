import Foundation

/// A one-shot gate: workers arrive and block until the coordinator opens it, or, where there
/// is no coordinator, until every worker has arrived (a barrier).
///
/// Waiting blocks in a condition variable rather than spinning, so more workers than cores
/// cannot starve the ones still on their way to the gate; ThreadSanitizer understands it, so
/// it adds no false reports. The harness's coordinator waits until every worker has arrived
/// (each has filled its connections), reads the selector's counters, then opens the gate: the
/// measured part starts for all workers at once. The tests' threads use it as a barrier.
///
/// - Note: Thread-safe.
public final class StartGate {
    private let condition = NSCondition()
    private let parties: Int
    private var arrived = 0
    private var isOpen = false

    public init(parties: Int) { self.parties = parties }

    /// Called by each worker: counts its arrival and blocks until the gate opens.
    public func arriveAndWait() {
        condition.lock()
        defer { condition.unlock() }
        arrive()
        while !isOpen { condition.wait() }
    }

    /// Called by each worker when there is no coordinator: counts its arrival and blocks until
    /// every worker has arrived (or the gate was opened).
    public func arriveAndWaitForEveryone() {
        condition.lock()
        defer { condition.unlock() }
        arrive()
        while arrived < parties && !isOpen { condition.wait() }
    }

    /// Counts one arrival and wakes whoever waits for the last one; `condition` must be locked.
    private func arrive() {
        arrived += 1
        if arrived == parties { condition.broadcast() }
    }

    /// Called by the coordinator: blocks until every worker has arrived.
    public func waitForEveryone() {
        condition.lock()
        defer { condition.unlock() }
        while arrived < parties { condition.wait() }
    }

    /// Called by the coordinator: lets every worker go.
    public func open() {
        condition.lock()
        defer { condition.unlock() }
        isOpen = true
        condition.broadcast()
    }
}

/// Every stored property is only read or written with `condition` locked.
extension StartGate: @unchecked Sendable {}
