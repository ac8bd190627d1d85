import LBCollections

/// A processor-sharing server: with `k` requests inside, each progresses at `speed / k`.
///
/// Simulated with *virtual time* rather than by updating every request on every event: the
/// server keeps `attained`, the service each of its requests has received since it last
/// became busy, which grows at `speed / k`. A request admitted when `attained = a` finishes
/// when `attained` reaches its tag `a + size`, so requests finish in tag order and only the
/// smallest tag matters: requests sit in a binary min-heap of tags, and the next completion
/// is `(smallestTag − attained) · k / speed` away. `attained` restarts at 0 whenever the
/// server empties, so tags stay small and precise however long the run.
///
/// - Complexity: admit and completion O(log k). Memory: 32 bytes per request inside.
/// - Note: Not thread-safe.
struct ProcessorSharingServer: ServerModel {
    private struct Tagged: MinHeapKeyed {
        var tag: Double
        var job: Job

        var heapKey: Double { tag }
    }

    let speed: Double
    private var heap = BinaryMinHeap<Tagged>(capacity: 16)
    /// Service received by each request inside since the server last became busy.
    private var attained = 0.0
    /// The time `attained` was last brought up to date.
    private var lastUpdate = 0.0
    private(set) var nextCompletion = Double.infinity

    init(speed: Double) {
        self.speed = speed
    }

    var count: Int { heap.count }

    mutating func admit(_ job: Job, at now: Double) {
        if !heap.isEmpty { attained += (now - lastUpdate) * speed / Double(heap.count) }
        lastUpdate = now
        heap.insert(Tagged(tag: attained + job.size, job: job))
        schedule()
    }

    mutating func completeNext(at now: Double) -> Job {
        guard let first = heap.removeMin() else { preconditionFailure("completeNext(at:) on an empty server") }
        // Exactly the finished request's tag: no drift accumulates across completions.
        attained = heap.isEmpty ? 0 : first.tag
        lastUpdate = now
        schedule()
        return first.job
    }

    private mutating func schedule() {
        guard let first = heap.min else {
            nextCompletion = .infinity
            return
        }
        // Rounding can leave the smallest tag a hair below `attained`; never schedule in the past.
        nextCompletion = lastUpdate + max(0, first.tag - attained) * Double(heap.count) / speed
    }
}
