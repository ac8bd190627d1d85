import LBCollections

/// Processor sharing at a speed: with `n` requests in flight each progresses at `speed / n`.
///
/// Kept by *attained service* (the simulator's virtual time): `attained` is the service every
/// request in flight has received since the model started, growing at `speed / n`. A request
/// admitted when it was `a` completes when it reaches `a + work`, so one heap ordered by that
/// finish tag gives the next completion without touching the other requests. A single request
/// of work `w` completes after `w / speed`; `k` equal requests admitted together each after
/// `k · w / speed`.
///
/// - Complexity: `admit` and each completion O(log n); `cancel` O(1) (its heap entry is
///   skipped when it reaches the top).
/// - Note: Not thread-safe: owned by one backend's event loop.
struct ProcessorSharingCapacity: CapacityModel {
    private struct Tag: MinHeapKeyed {
        let finish: Double
        let job: UInt64
        var heapKey: Double { finish }
    }

    /// Seconds of speed-1 work the backend does per second.
    let speed: Double
    private var attained = 0.0
    private var clock = 0.0
    private var tags = BinaryMinHeap<Tag>()
    private var active: Set<UInt64> = []

    init(speed: Double) {
        precondition(speed > 0, "a backend's speed must be positive")
        self.speed = speed
    }

    var inFlight: Int { active.count }

    mutating func admit(_ job: UInt64, work: Double, at now: Double) {
        advance(to: now)
        active.insert(job)
        tags.insert(Tag(finish: attained + max(work, 0), job: job))
    }

    mutating func cancel(_ job: UInt64, at now: Double) {
        advance(to: now)
        active.remove(job)
        restartIfEmpty()
    }

    mutating func nextCompletion() -> Double? {
        dropCancelled()
        guard let top = tags.min else { return nil }
        return clock + max(top.finish - attained, 0) * Double(active.count) / speed
    }

    mutating func takeCompleted(at now: Double) -> [UInt64] {
        advance(to: now)
        var completed: [UInt64] = []
        // Finish tags computed by adding rates can miss the exact instant by rounding.
        let tolerance = 1e-9 * max(attained, 1)
        while true {
            dropCancelled()
            guard let top = tags.min, top.finish <= attained + tolerance else { break }
            _ = tags.removeMin()
            active.remove(top.job)
            completed.append(top.job)
        }
        restartIfEmpty()
        return completed
    }

    /// Restarts attained service at 0 whenever the backend empties (dropping cancelled tags),
    /// so tags stay small and precise however long the backend runs.
    private mutating func restartIfEmpty() {
        if active.isEmpty {
            tags = BinaryMinHeap()
            attained = 0
        }
    }

    private mutating func advance(to now: Double) {
        if now > clock {
            if !active.isEmpty { attained += (now - clock) * speed / Double(active.count) }
            clock = now
        }
    }

    private mutating func dropCancelled() {
        while let top = tags.min, !active.contains(top.job) { _ = tags.removeMin() }
    }
}
