/// An element of a `BinaryMinHeap`: what the heap orders it by.
public protocol MinHeapKeyed {
    associatedtype Key: Comparable
    /// The heap keeps the element with the smallest key at its root.
    var heapKey: Key { get }
}

/// A binary min-heap in one array, by `heapKey`: the harness's connections in flight (by
/// virtual finish time) and the requests inside a processor-sharing server, simulated or live
/// (by finish tag, `ProcessorSharing`).
///
/// They look at the smallest element, remove it, and add others; `replaceMin(with:)` removes
/// the smallest and adds one more in a single sift-down. A live server also forgets a request
/// whose client went away, anywhere in the heap (`removeFirst(where:)`). Among equal keys the
/// order is unspecified but deterministic: the same operations give the same order on every run.
///
/// - Complexity: `min` O(1); `insert`, `replaceMin(with:)` and `removeMin()` O(log n);
///   `removeFirst(where:)` O(n). Memory: one array of the elements; nothing is allocated once
///   `capacity` suffices.
/// `public` though only the project uses it: this toolchain (Swift 6.3, SwiftPM) specializes
/// `@inlinable` generic code across modules only when it is `public` (`@inlinable package`
/// bodies are not serialized), and unspecialized, every operation looked up generic metadata
/// at run time: the simulator ran 5× slower.
///
/// - Note: Not thread-safe: a value type owned by one thread.
public struct BinaryMinHeap<Element: MinHeapKeyed> {
    @usableFromInline
    var storage: [Element]

    /// An empty heap with room for `capacity` elements.
    @inlinable
    public init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    @inlinable
    public var count: Int { storage.count }

    @inlinable
    public var isEmpty: Bool { storage.isEmpty }

    /// The element with the smallest key, or `nil` when empty.
    @inlinable
    public var min: Element? { storage.first }

    /// Every element, in no particular order.
    @inlinable
    public var unordered: [Element] { storage }

    /// Adds `element`.
    @inlinable
    public mutating func insert(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in Self.siftUp(element, from: heap.count - 1, in: heap) }
    }

    /// Removes the smallest element and adds `element` in one sift-down.
    ///
    /// - Precondition: the heap is not empty.
    @inlinable
    public mutating func replaceMin(with element: Element) {
        precondition(!storage.isEmpty, "replaceMin(with:) on an empty heap")
        storage.withUnsafeMutableBufferPointer { heap in Self.siftDown(element, from: 0, in: heap) }
    }

    /// Removes and returns the smallest element, or `nil` when empty.
    @inlinable
    @discardableResult
    public mutating func removeMin() -> Element? {
        guard let last = storage.popLast() else { return nil }
        guard let smallest = storage.first else { return last }
        replaceMin(with: last)
        return smallest
    }

    /// Removes and returns the first element, in storage order, that `shouldRemove` accepts,
    /// or `nil` when none does.
    ///
    /// - Complexity: O(n): a linear search, then O(log n) to restore the heap.
    @discardableResult
    public mutating func removeFirst(where shouldRemove: (Element) throws -> Bool) rethrows -> Element? {
        guard let index = try storage.firstIndex(where: shouldRemove) else { return nil }
        let removed = storage[index]
        let last = storage.removeLast()
        guard index < storage.count else { return removed }
        // `last` fills the hole: it may belong above it (smaller than the hole's parent) or below.
        storage.withUnsafeMutableBufferPointer { heap in
            if index > 0 && last.heapKey < heap[(index - 1) / 2].heapKey {
                Self.siftUp(last, from: index, in: heap)
            } else {
                Self.siftDown(last, from: index, in: heap)
            }
        }
        return removed
    }

    /// Puts `element` in the hole at `start` or above it, moving larger ancestors down.
    @inlinable @inline(__always)
    static func siftUp(_ element: Element, from start: Int, in heap: UnsafeMutableBufferPointer<Element>) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].heapKey <= element.heapKey { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = element
    }

    /// Puts `element` in the hole at `start` or below it, moving smaller children up.
    @inlinable @inline(__always)
    static func siftDown(_ element: Element, from start: Int, in heap: UnsafeMutableBufferPointer<Element>) {
        let count = heap.count
        var parent = start
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
