import LBCollections

/// Processor sharing at a speed: with `k` requests inside, each progresses at `speed / k`.
/// The one implementation behind the simulator's `ProcessorSharingServer` (virtual time) and
/// `lbbench-live`'s processor-sharing backends (`ProcessorSharingCapacity`, real time).
///
/// Kept by *attained service* (virtual time) rather than by updating every request on every
/// event: `attained` is the service each request inside has received since the server last
/// became busy, growing at `speed / k`. A request admitted when `attained = a` with work `w`
/// finishes when `attained` reaches its tag `a + w`, so requests finish in tag order and only
/// the smallest tag matters: requests sit in a binary min-heap of tags, and the next completion
/// is `(smallestTag − attained) · k / speed` after the last update. A completion sets
/// `attained` to exactly the finished request's tag, so no drift accumulates, and `attained`
/// restarts at 0 whenever the server empties, so tags stay small and precise however long the
/// run. A single request of work `w` takes `w / speed`; `k` equal requests admitted together
/// each take `k · w / speed`.
///
/// Times may be virtual or real seconds; they must not decrease from call to call (an earlier
/// `now` counts as the last one).
///
/// - Complexity: `admit` and `completeNext(at:)` O(log k); `removeFirst(where:at:)` O(k).
///   Memory: 8 bytes plus the payload per request inside.
/// - Note: Not thread-safe: a value owned by one thread.
package struct ProcessorSharing<Payload> {
    private struct Tagged: MinHeapKeyed {
        var tag: Double
        var payload: Payload

        var heapKey: Double { tag }
    }

    /// Units of work done per unit of time, shared by the requests inside.
    package let speed: Double
    private var heap = BinaryMinHeap<Tagged>(capacity: 16)
    /// Service received by each request inside since the server last became busy.
    private var attained = 0.0
    /// The time `attained` was last brought up to date.
    private var lastUpdate = 0.0
    /// When the request with the smallest tag completes if nothing else arrives or leaves;
    /// `+infinity` when empty.
    package private(set) var nextCompletion = Double.infinity

    /// An empty server of `speed` units of work per unit of time.
    ///
    /// - Precondition: `speed > 0`.
    package init(speed: Double) {
        precondition(speed > 0, "a processor-sharing server's speed must be positive")
        self.speed = speed
    }

    /// The requests inside.
    package var count: Int { heap.count }

    /// Takes in `payload`, a request needing `work` units (a negative one counts as 0), at `now`.
    package mutating func admit(_ payload: Payload, work: Double, at now: Double) {
        advance(to: now)
        heap.insert(Tagged(tag: attained + max(work, 0), payload: payload))
        schedule()
    }

    /// Removes and returns the request that completes at `now`, which must be `nextCompletion`.
    ///
    /// - Precondition: the server is not empty.
    package mutating func completeNext(at now: Double) -> Payload {
        guard let first = heap.removeMin() else { preconditionFailure("completeNext(at:) on an empty server") }
        // Exactly the finished request's tag: no drift accumulates across completions.
        attained = heap.isEmpty ? 0 : first.tag
        lastUpdate = now
        schedule()
        return first.payload
    }

    /// Removes and returns the first request `shouldRemove` accepts, at `now`, before it
    /// completes (its client went away); the others share its speed from then on. `nil`, and no
    /// change, when none is accepted.
    @discardableResult
    package mutating func removeFirst(where shouldRemove: (Payload) -> Bool, at now: Double) -> Payload? {
        advance(to: now)
        guard let removed = heap.removeFirst(where: { shouldRemove($0.payload) }) else { return nil }
        if heap.isEmpty { attained = 0 }
        schedule()
        return removed.payload
    }

    /// Brings `attained` up to `now`: the requests inside shared the speed since the last update.
    private mutating func advance(to now: Double) {
        guard now > lastUpdate else { return }
        if !heap.isEmpty { attained += (now - lastUpdate) * speed / Double(heap.count) }
        lastUpdate = now
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
