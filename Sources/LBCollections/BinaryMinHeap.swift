/// An element of a `BinaryMinHeap`: what the heap orders it by.
package protocol MinHeapKeyed {
    associatedtype Key: Comparable
    /// The heap keeps the element with the smallest key at its root.
    var heapKey: Key { get }
}

/// A binary min-heap in one array, by `heapKey`: the harness's connections in flight (by
/// virtual finish time) and the simulator's requests inside a processor-sharing server (by
/// finish tag).
///
/// Both only ever look at the smallest element, remove it, and add others, so this is all it
/// does; `replaceMin(with:)` removes the smallest and adds one more in a single sift-down.
/// Among equal keys the order is unspecified but deterministic: the same operations give the
/// same order on every run.
///
/// - Complexity: `min` O(1); `insert`, `replaceMin(with:)` and `removeMin()` O(log n).
///   Memory: one array of the elements; nothing is allocated once `capacity` suffices.
/// - Note: Not thread-safe: a value type owned by one thread.
package struct BinaryMinHeap<Element: MinHeapKeyed> {
    @usableFromInline
    var storage: [Element]

    /// An empty heap with room for `capacity` elements.
    @inlinable
    package init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    @inlinable
    package var count: Int { storage.count }

    @inlinable
    package var isEmpty: Bool { storage.isEmpty }

    /// The element with the smallest key, or `nil` when empty.
    @inlinable
    package var min: Element? { storage.first }

    /// Every element, in no particular order.
    @inlinable
    package var unordered: [Element] { storage }

    /// Adds `element`.
    @inlinable
    package mutating func insert(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if heap[parent].heapKey <= element.heapKey { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = element
        }
    }

    /// Removes the smallest element and adds `element` in one sift-down.
    ///
    /// - Precondition: the heap is not empty.
    @inlinable
    package mutating func replaceMin(with element: Element) {
        precondition(!storage.isEmpty, "replaceMin(with:) on an empty heap")
        storage.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count && heap[child + 1].heapKey < heap[child].heapKey { child += 1 }
                if element.heapKey <= heap[child].heapKey { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = element
        }
    }

    /// Removes and returns the smallest element, or `nil` when empty.
    @inlinable
    @discardableResult
    package mutating func removeMin() -> Element? {
        guard let last = storage.popLast() else { return nil }
        guard let smallest = storage.first else { return last }
        replaceMin(with: last)
        return smallest
    }
}
