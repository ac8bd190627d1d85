import LoadBalancing

/// The connections one worker holds, ordered by virtual finish time: a binary min-heap in one
/// array allocated up front.
///
/// The event loop only ever removes the earliest connection and adds one new one, so
/// `replaceEarliest(with:)` does both in a single sift-down, and the loop never allocates.
///
/// - Complexity: `earliest` O(1); `insert` and `replaceEarliest` O(log k) for k connections.
///   Memory: 16 bytes per connection.
/// - Note: Not thread-safe: owned by one worker.
struct InFlightConnections {
    /// A connection: the server it was picked on and when, in virtual seconds, it finishes.
    struct Connection {
        var finish: Double
        var server: ServerID
    }

    private var heap: [Connection]

    /// An empty heap with room for `capacity` connections.
    init(capacity: Int) {
        heap = []
        heap.reserveCapacity(capacity)
    }

    var count: Int { heap.count }

    var isEmpty: Bool { heap.isEmpty }

    /// The connection that finishes first. The heap must not be empty.
    var earliest: Connection { heap[0] }

    /// The servers of every connection held, in no particular order.
    var servers: [ServerID] { heap.map(\.server) }

    /// Adds a connection.
    mutating func insert(_ connection: Connection) {
        heap.append(connection)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].finish <= connection.finish { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = connection
    }

    /// Removes the earliest connection and adds `connection` in its place. The heap must not
    /// be empty.
    mutating func replaceEarliest(with connection: Connection) {
        heap.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count && heap[child + 1].finish < heap[child].finish { child += 1 }
                if connection.finish <= heap[child].finish { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = connection
        }
    }

    /// Removes and returns the earliest connection, or `nil` when empty.
    mutating func removeEarliest() -> Connection? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let earliest = heap[0]
        replaceEarliest(with: last)
        return earliest
    }
}
