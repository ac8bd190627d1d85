@testable import LoadBalancing
import Testing

/// `MinHeapPolicy` at sizes the selector-level tests do not reach, and its structural edges.
/// Debug builds also run `_checkInvariants()` inside every operation; these tests call the
/// checker themselves so they fail in any configuration.
@Suite("min-heap policy")
struct MinHeapPolicyTests {
    @Test("large heaps with weights and drains match the reference and stay valid",
          arguments: [(1_000, 0..<UInt64(8)), (5_000, 100..<UInt64(102))])
    func largeRandom(serverCount: Int, seeds: Range<UInt64>) throws {
        for seed in seeds {
            try driveAgainstReference(
                MinHeapPolicy.self, serverCount: serverCount, weightChoices: [0, 1, 2, 3, 7, 100],
                steps: 600, seed: seed
            ) { $0.heap._invariantViolation() }
        }
    }

    @Test("equal weights at 5,000 servers: the heap is deep and picks sift to the bottom")
    func deepEqualWeights() throws {
        try driveAgainstReference(
            MinHeapPolicy.self, serverCount: 5_000, weightChoices: [1], steps: 1_000, seed: 42
        ) { $0.heap._invariantViolation() }
    }

    @Test("draining the root, the last heap slot and a middle slot, then bringing them back")
    func drainAndUndrain() throws {
        var policy = try MinHeapPolicy(weights: Array(repeating: 1, count: 9))
        var reference = try ReferenceLeastConnections(weights: Array(repeating: 1, count: 9))
        for _ in 0..<5 { #expect(policy.pick() == reference.pick()) }
        let root = Int(policy.heap.nodes[0].server)
        let last = Int(policy.heap.nodes[policy.heap.count - 1].server)
        let middle = Int(policy.heap.nodes[3].server)
        for server in [root, last, middle] {
            try policy.setWeight(0, for: ServerID(server))
            try reference.setWeight(0, for: ServerID(server))
            #expect(policy.heap._invariantViolation() == nil)
        }
        #expect(policy.heap.count == 6)
        for _ in 0..<12 { #expect(policy.pick() == reference.pick()) }
        for server in [middle, root, last] {
            try policy.setWeight(3, for: ServerID(server))
            try reference.setWeight(3, for: ServerID(server))
            #expect(policy.heap._invariantViolation() == nil)
        }
        #expect(policy.heap.count == 9)
        for _ in 0..<12 { #expect(policy.pick() == reference.pick()) }
        #expect(policy.activeConnections() == reference.activeConnections())
    }

    @Test("every server drained: pick is nil, releases still count, undrain picks again")
    func allDrained() throws {
        var policy = try MinHeapPolicy(weights: [1, 1])
        let picked = policy.pick()
        let first = try #require(picked)
        try policy.setWeight(0, for: ServerID(0))
        try policy.setWeight(0, for: ServerID(1))
        #expect(policy.heap.count == 0)
        #expect(policy.pick() == nil)
        policy.release(first)
        #expect(policy.activeConnections() == [0, 0])
        try policy.setWeight(5, for: ServerID(1))
        #expect(policy.pick() == ServerID(1))
        #expect(policy.heap._invariantViolation() == nil)
    }

    @Test("setting the same weight sends a server behind its equals")
    func sameWeightRequeues() throws {
        var policy = try MinHeapPolicy(weights: [1, 1, 1])
        try policy.setWeight(1, for: ServerID(0))
        #expect([policy.pick(), policy.pick(), policy.pick()] == [ServerID(1), ServerID(2), ServerID(0)])
    }

    @Test("the invariant checker notices damage")
    func checkerCatchesDamage() throws {
        let healthy = try MinHeapPolicy(weights: [1, 2, 0, 1, 1, 3])
        #expect(healthy.heap._invariantViolation() == nil)

        var misplaced = healthy.heap
        misplaced.nodes.swapAt(0, 1)
        #expect(misplaced._invariantViolation()?.contains("position") == true)

        var outOfOrder = healthy.heap
        outOfOrder.nodes[0].active = 9
        #expect(outOfOrder._invariantViolation()?.contains("precedes its parent") == true)

        var drainedInside = healthy.heap
        drainedInside.nodes[1].weight = 0
        #expect(drainedInside._invariantViolation()?.contains("weight 0") == true)

        var sharedStamp = healthy.heap
        sharedStamp.nodes[2].stamp = sharedStamp.nodes[1].stamp
        #expect(sharedStamp._invariantViolation()?.contains("twice") == true)
    }
}
