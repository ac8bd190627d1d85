import LBCollections
import Testing

@Suite("Binary min-heap")
struct BinaryMinHeapTests {
    struct Item: MinHeapKeyed, Equatable {
        var key: Int
        var id: Int
        var heapKey: Int { key }
    }

    /// A tiny deterministic generator, so the test needs nothing else of ours.
    struct Steps {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("insert, replaceMin and removeMin always yield the smallest key, against a sorted list", arguments: 0..<20)
    func againstSortedList(seed: Int) {
        var steps = Steps(state: UInt64(seed))
        var heap = BinaryMinHeap<Item>(capacity: 8)
        var reference: [Item] = []
        for id in 0..<2_000 {
            let item = Item(key: steps.next(50), id: id)
            switch steps.next(3) {
            case 0 where !reference.isEmpty:
                let removed = heap.min!
                #expect(removed.key == reference.map(\.key).min())
                heap.replaceMin(with: item)
                reference.remove(at: reference.firstIndex(of: removed)!)
                reference.append(item)
            case 1:
                let removed = heap.removeMin()
                let smallest = reference.map(\.key).min()
                #expect(removed?.key == smallest)
                if let removed { reference.remove(at: reference.firstIndex(of: removed)!) }
            default:
                heap.insert(item)
                reference.append(item)
            }
            #expect(heap.count == reference.count)
            #expect(heap.unordered.map(\.id).sorted() == reference.map(\.id).sorted())
        }
    }

    @Test("removeFirst(where:) takes out any element and keeps the heap ordered", arguments: 0..<20)
    func removeAnywhere(seed: Int) {
        var steps = Steps(state: UInt64(seed))
        var heap = BinaryMinHeap<Item>(capacity: 8)
        var reference: [Item] = []
        for id in 0..<2_000 {
            if !reference.isEmpty && steps.next(3) == 0 {
                let target = reference[steps.next(reference.count)]
                #expect(heap.removeFirst { $0.id == target.id } == target)
                reference.remove(at: reference.firstIndex(of: target)!)
            } else {
                let item = Item(key: steps.next(50), id: id)
                heap.insert(item)
                reference.append(item)
            }
            #expect(heap.min?.key == reference.map(\.key).min())
        }
        #expect(heap.removeFirst { $0.id < 0 } == nil)
        var drained: [Int] = []
        while let smallest = heap.removeMin() { drained.append(smallest.key) }
        #expect(drained == reference.map(\.key).sorted())
    }

    @Test("an empty heap has no minimum and removes nothing")
    func empty() {
        var heap = BinaryMinHeap<Item>()
        #expect(heap.isEmpty && heap.min == nil && heap.removeMin() == nil)
    }
}
