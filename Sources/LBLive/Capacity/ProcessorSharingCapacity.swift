import LBSimulation

/// Processor sharing at a speed: with `n` requests in flight each progresses at `speed / n`;
/// the simulator's algorithm (`ProcessorSharing`), driven by real time.
///
/// Every completion is taken at its own instant, however late `takeCompleted(at:)` is called,
/// so a late timer delays only the responses, not the service the other requests receive; an
/// arrival or a cancel first completes what was due before it (`settle`), so it neither
/// stretches the overdue requests' service nor takes a share of it.
///
/// - Complexity: `admit` and each completion O(log n); `cancel` O(n).
/// - Note: Not thread-safe: owned by one backend's event loop.
struct ProcessorSharingCapacity: CapacityModel {
    private var queue: ProcessorSharing<UInt64>
    /// Requests complete by the last `settle`, not yet taken, earliest first.
    private var due: [UInt64] = []

    /// A backend doing `speed` seconds of speed-1 work per second.
    init(speed: Double) {
        queue = ProcessorSharing(speed: speed)
    }

    var inFlight: Int { queue.count }

    mutating func admit(_ job: UInt64, work: Double, at now: Double) {
        settle(at: now)
        queue.admit(job, work: work, at: now)
    }

    mutating func cancel(_ job: UInt64, at now: Double) {
        settle(at: now)
        queue.removeFirst(where: { $0 == job }, at: now)
    }

    mutating func nextCompletion() -> Double? {
        queue.count == 0 ? nil : queue.nextCompletion
    }

    mutating func takeCompleted(at now: Double) -> [UInt64] {
        settle(at: now)
        defer { due.removeAll(keepingCapacity: true) }
        return due
    }

    /// Completes, each at its own instant, every request due by `now`, into `due`.
    private mutating func settle(at now: Double) {
        while queue.nextCompletion <= now { due.append(queue.completeNext(at: queue.nextCompletion)) }
    }
}
