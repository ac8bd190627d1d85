/// The event queue for completions: every server keyed by its next completion time, in an
/// indexed binary min-heap with a position map, so the earliest completion is at the top and
/// one server's time can be changed in place.
///
/// Arrivals, load samples and view refreshes are single periodic or renewal streams, so the
/// engine compares their next times with the top here instead of queueing them.
///
/// - Complexity: `top` O(1); `update` O(log n). Memory: 16 bytes per server.
/// - Note: Not thread-safe.
struct CompletionQueue {
    /// `heap[i]` is a server; its children are at `2i+1`, `2i+2`.
    private var heap: [Int32]
    /// `position[server]` is the server's index in `heap`.
    private var position: [Int32]
    /// `time[server]` is its next completion, `+infinity` when idle.
    private var time: [Double]

    /// `serverCount` idle servers.
    init(serverCount: Int) {
        heap = (0..<Int32(serverCount)).map { $0 }
        position = heap
        time = Array(repeating: .infinity, count: serverCount)
    }

    /// The server that completes first, and when (`+infinity` if all are idle).
    var top: (server: Int, time: Double) {
        let server = Int(heap[0])
        return (server, time[server])
    }

    /// Sets `server`'s next completion time.
    mutating func update(_ server: Int, to newTime: Double) {
        let old = time[server]
        time[server] = newTime
        let index = Int(position[server])
        if newTime < old { siftUp(index) } else if newTime > old { siftDown(index) }
    }

    /// Ties go to the lower server index, so the order of simultaneous completions is fixed.
    private func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let timeA = time[Int(a)], timeB = time[Int(b)]
        return timeA < timeB || (timeA == timeB && a < b)
    }

    private mutating func place(_ server: Int32, at index: Int) {
        heap[index] = server
        position[Int(server)] = Int32(index)
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        let moving = heap[index]
        while index > 0 {
            let parent = (index - 1) / 2
            if !precedes(moving, heap[parent]) { break }
            place(heap[parent], at: index)
            index = parent
        }
        place(moving, at: index)
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let moving = heap[index]
        let count = heap.count
        while true {
            var child = 2 * index + 1
            if child >= count { break }
            if child + 1 < count && precedes(heap[child + 1], heap[child]) { child += 1 }
            if !precedes(heap[child], moving) { break }
            place(heap[child], at: index)
            index = child
        }
        place(moving, at: index)
    }
}
