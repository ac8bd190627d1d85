/// A first-come, first-served server: the oldest request is served alone at full speed, the
/// others wait in arrival order.
///
/// The queue is a ring buffer that doubles when full, so admit and completion are O(1)
/// amortised with no per-request allocation.
///
/// - Complexity: admit O(1) amortised, completion O(1). Memory: 24 bytes per queued request.
/// - Note: Not thread-safe.
struct FirstComeFirstServedServer: ServerModel {
    let speed: Double
    private var ring: [Job]
    private var head = 0
    private(set) var count = 0
    private(set) var nextCompletion = Double.infinity

    init(speed: Double) {
        self.speed = speed
        ring = Array(repeating: Job(arrival: 0, size: 0, sequence: 0, balancer: 0), count: 16)
    }

    mutating func admit(_ job: Job, at now: Double) {
        if count == ring.count { grow() }
        ring[(head + count) & (ring.count - 1)] = job
        count += 1
        if count == 1 { nextCompletion = now + job.size / speed }
    }

    mutating func completeNext(at now: Double) -> Job {
        let job = ring[head]
        head = (head + 1) & (ring.count - 1)
        count -= 1
        nextCompletion = count == 0 ? .infinity : now + ring[head].size / speed
        return job
    }

    /// Doubles the ring, unrolling it so the oldest request is at index 0; the capacity stays
    /// a power of two so positions wrap with a mask.
    private mutating func grow() {
        var larger = ring
        larger.reserveCapacity(ring.count * 2)
        for offset in 0..<count { larger[offset] = ring[(head + offset) & (ring.count - 1)] }
        larger.append(contentsOf: repeatElement(ring[0], count: ring.count))
        ring = larger
        head = 0
    }
}
