/// First come, first served with `slots` requests in service at once, each served at
/// `speed / slots`; the others wait in line in arrival order.
///
/// One slot is the simulator's `fcfs` server: requests of work `w` admitted together complete
/// at `w / speed`, `2w / speed`, … A waiting request starts the instant a slot frees (the
/// finishing request's completion time, not when the timer happened to fire), so a late timer
/// never shifts later completions; an arrival or a cancel first completes what was due before
/// it (`settle`), so a request never starts before it arrived nor out of arrival order.
///
/// - Complexity: `admit` O(1); completions O(slots); `cancel` O(slots + queue).
/// - Note: Not thread-safe: owned by one backend's event loop.
struct SlotsCapacity: CapacityModel {
    private struct InService {
        let job: UInt64
        let finish: Double
    }

    /// Seconds of speed-1 work one slot does per second.
    let slotSpeed: Double
    let slots: Int
    private var serving: [InService] = []
    private var waiting: [(job: UInt64, work: Double)] = []
    private var waitingHead = 0
    /// Requests complete by the last `settle`, not yet taken, earliest first.
    private var due: [UInt64] = []

    init(speed: Double, slots: Int) {
        precondition(speed > 0 && slots >= 1, "a backend needs a positive speed and at least one slot")
        self.slotSpeed = speed / Double(slots)
        self.slots = slots
    }

    var inFlight: Int { serving.count + waiting.count - waitingHead }

    mutating func admit(_ job: UInt64, work: Double, at now: Double) {
        settle(at: now)
        if serving.count < slots {
            serving.append(InService(job: job, finish: now + max(work, 0) / slotSpeed))
        } else {
            waiting.append((job, work))
        }
    }

    mutating func cancel(_ job: UInt64, at now: Double) {
        settle(at: now)
        if let index = serving.firstIndex(where: { $0.job == job }) {
            serving.remove(at: index)
            startWaiting(at: now)
        } else if let index = waiting[waitingHead...].firstIndex(where: { $0.job == job }) {
            waiting.remove(at: index)
        }
    }

    mutating func nextCompletion() -> Double? {
        serving.lazy.map(\.finish).min()
    }

    mutating func takeCompleted(at now: Double) -> [UInt64] {
        settle(at: now)
        defer { due.removeAll(keepingCapacity: true) }
        return due
    }

    /// Completes, each at its own instant, every request due by `now`, into `due`; a waiting
    /// request takes the freed slot from that instant.
    private mutating func settle(at now: Double) {
        while let index = serving.indices.min(by: { serving[$0].finish < serving[$1].finish }),
            serving[index].finish <= now
        {
            let done = serving.remove(at: index)
            due.append(done.job)
            startWaiting(at: done.finish)
        }
    }

    private mutating func startWaiting(at start: Double) {
        while serving.count < slots, waitingHead < waiting.count {
            let next = waiting[waitingHead]
            waitingHead += 1
            serving.append(InService(job: next.job, finish: start + max(next.work, 0) / slotSpeed))
        }
        // Reclaim the consumed prefix once it dominates the array.
        if waitingHead > 64 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }
}
