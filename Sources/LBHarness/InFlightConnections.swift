import LBCollections
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
    struct Connection: MinHeapKeyed {
        var finish: Double
        var server: ServerID

        var heapKey: Double { finish }
    }

    private var heap: BinaryMinHeap<Connection>

    /// An empty heap with room for `capacity` connections.
    init(capacity: Int) {
        heap = BinaryMinHeap(capacity: capacity)
    }

    var count: Int { heap.count }

    var isEmpty: Bool { heap.isEmpty }

    /// The connection that finishes first. The heap must not be empty.
    var earliest: Connection { heap.min.unsafelyUnwrapped }

    /// The servers of every connection held, in no particular order.
    var servers: [ServerID] { heap.unordered.map(\.server) }

    /// Adds a connection.
    mutating func insert(_ connection: Connection) {
        heap.insert(connection)
    }

    /// Removes the earliest connection and adds `connection` in its place. The heap must not
    /// be empty.
    mutating func replaceEarliest(with connection: Connection) {
        heap.replaceMin(with: connection)
    }

    /// Removes and returns the earliest connection, or `nil` when empty.
    mutating func removeEarliest() -> Connection? {
        heap.removeMin()
    }
}
