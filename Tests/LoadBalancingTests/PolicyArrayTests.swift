import LBRandom
import Testing

@testable import LoadBalancing

/// `PolicyArray` writes without uniqueness checks; the exact policies keep value semantics
/// through one owner token each. These tests fail if a copy of a policy could still see
/// another copy's picks.
@Suite("policy arrays: unchecked writes, value semantics kept by the policies")
struct PolicyArrayTests {
    @Test("append grows, removeLast shrinks, copy is independent, indices are checked up to count")
    func arrayBasics() {
        var array = PolicyArray<Int>([])
        for value in 0..<100 { array.append(value) }
        #expect(array.array == Array(0..<100))
        #expect(array.removeLast() == 99)
        array.append(contentsOf: [7, 8])
        #expect(array.count == 101 && array[99] == 7 && array[100] == 8)
        let copy = array.copy()
        #expect(copy.capacity == array.capacity, "a copy keeps the spare room")
        array[0] = -1
        #expect(copy[0] == 0 && array[0] == -1)
        array.swapAt(0, 1)
        #expect(array[0] == 1 && array[1] == -1)
        let shared = array  // a plain copy of the struct shares the storage, by design
        array[2] = 42
        #expect(shared[2] == 42)
        #expect(PolicyArray(repeating: 3, count: 5).array == [3, 3, 3, 3, 3])
    }

    @Test("a copy of an exact policy picks on its own: the original keeps its state and choices",
          arguments: ["linear-scan", "min-heap", "buckets"])
    func copiesAreIndependent(kind: String) throws {
        switch kind {
        case "linear-scan": try Self.checkIndependence(LinearScanPolicy.self)
        case "min-heap": try Self.checkIndependence(MinHeapPolicy.self)
        default: try Self.checkIndependence(BucketsPolicy.self)
        }
    }

    /// Drives a policy in lockstep with the reference (`Lockstep`), copies it, drives the copy
    /// with other picks and weights, then the original again: each must keep matching its own
    /// reference, which it cannot if the copy's picks reached the original's arrays. Then the
    /// other way round: a copy left behind must not see the original's picks.
    private static func checkIndependence<Policy: SelectionPolicy>(_ type: Policy.Type) throws {
        var original = try Lockstep<Policy>(weights: [1, 2, 3, 1, 2, 0, 4, 1], inFlight: 3) { _ in nil }
        try original.pick(40)
        try original.setWeight(3, for: [1, 5])

        var copy = original  // shares the policy's arrays until one of the two changes
        try copy.pick(60)
        try copy.setWeight(1, for: [2, 6])
        try copy.pick(30)
        try original.pick(60)

        let left = original
        try original.setWeight(0, for: [0])
        try original.pick(50)
        var leftBehind = left
        try leftBehind.pick(50)
        try original.releaseAll()
        try copy.releaseAll()
        try leftBehind.releaseAll()
    }
}
