import LBSimulation

/// Processor sharing at a speed: with `n` requests in flight each progresses at `speed / n`;
/// the simulator's algorithm (`ProcessorSharing`), driven by real time.
///
/// Every completion is taken at its own instant, however late `takeCompleted(at:)` is called,
/// so a late timer delays only the responses, not the service the other requests receive.
///
/// - Complexity: `admit` and each completion O(log n); `cancel` O(n).
/// - Note: Not thread-safe: owned by one backend's event loop.
struct ProcessorSharingCapacity: CapacityModel {
    private var queue: ProcessorSharing<UInt64>

    /// A backend doing `speed` seconds of speed-1 work per second.
    init(speed: Double) {
        queue = ProcessorSharing(speed: speed)
    }

    var inFlight: Int { queue.count }

    mutating func admit(_ job: UInt64, work: Double, at now: Double) {
        queue.admit(job, work: work, at: now)
    }

    mutating func cancel(_ job: UInt64, at now: Double) {
        queue.removeFirst(where: { $0 == job }, at: now)
    }

    mutating func nextCompletion() -> Double? {
        queue.count == 0 ? nil : queue.nextCompletion
    }

    mutating func takeCompleted(at now: Double) -> [UInt64] {
        var completed: [UInt64] = []
        while queue.nextCompletion <= now { completed.append(queue.completeNext(at: queue.nextCompletion)) }
        return completed
    }
}
