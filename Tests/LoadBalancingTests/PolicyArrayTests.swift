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

    /// Drives `original` and a `twin` with the same operations, copies `original`, drives the
    /// copy (and, the other way round, the original with the copy left behind) with other
    /// operations, and expects the untouched one to stay in step with its twin.
    private static func checkIndependence<Policy: SelectionPolicy>(_ type: Policy.Type) throws {
        let weights = [1, 2, 3, 1, 2, 0, 4, 1]
        for seed in UInt64(0)..<20 {
            var random = SplitMix64(seed: seed)
            var original = try Policy(weights: weights, seed: seed)
            var twin = try Policy(weights: weights, seed: seed)
            var held: [ServerID] = []
            try drive(&original, &twin, &held, steps: 40, &random)

            // The copy goes its own way; the original must not notice.
            var copy = original
            var copyHeld = held
            var copyRandom = SplitMix64(seed: seed &+ 1_000)
            var copyTwin = original  // three values share the arrays until each first changes
            try drive(&copy, &copyTwin, &copyHeld, steps: 60, &copyRandom)
            try drive(&original, &twin, &held, steps: 60, &random)

            // And the other way round: a copy left behind keeps the state it was copied with.
            var left = original
            let leftCounts = (0..<weights.count).map { left.activeConnections(of: ServerID($0)) }
            try drive(&original, &twin, &held, steps: 60, &random)
            #expect((0..<weights.count).map { left.activeConnections(of: ServerID($0)) } == leftCounts, "seed \(seed)")
            _ = left.pick()
        }
    }

    /// `steps` random operations, the same on `policy` and `twin`, which must pick alike.
    private static func drive<Policy: SelectionPolicy>(
        _ policy: inout Policy, _ twin: inout Policy, _ held: inout [ServerID], steps: Int, _ random: inout SplitMix64
    ) throws {
        for step in 0..<steps {
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 55 || held.isEmpty {
                let picked = policy.pick()
                try #require(picked == twin.pick(), "step \(step)")
                if let picked { held.append(picked) }
            } else if roll < 95 {
                let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                policy.release(server)
                twin.release(server)
            } else {
                let server = ServerID(Int.random(in: 0..<policy.serverCount, using: &random))
                let weight = Int.random(in: 1...4, using: &random)
                try policy.setWeight(weight, for: server)
                try twin.setWeight(weight, for: server)
            }
        }
    }
}
