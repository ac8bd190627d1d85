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
            ) { $0._invariantViolation() }
        }
    }

    @Test("equal weights at 5,000 servers: the heap is deep and picks sift to the bottom")
    func deepEqualWeights() throws {
        try driveAgainstReference(
            MinHeapPolicy.self, serverCount: 5_000, weightChoices: [1], steps: 1_000, seed: 42
        ) { $0._invariantViolation() }
    }

    @Test("draining the root, the last heap slot and a middle slot, then bringing them back")
    func drainAndUndrain() throws {
        var policy = try MinHeapPolicy(weights: Array(repeating: 1, count: 9))
        var reference = try ReferenceLeastConnections(weights: Array(repeating: 1, count: 9))
        for _ in 0..<5 { #expect(policy.pick() == reference.pick()) }
        let heap = Array(policy.heaps.heap(ofClass: 0))
        let (root, last, middle) = (Int(heap[0].server), Int(heap[heap.count - 1].server), Int(heap[3].server))
        for server in [root, last, middle] {
            try policy.setWeight(0, for: ServerID(server))
            try reference.setWeight(0, for: ServerID(server))
            #expect(policy._invariantViolation() == nil)
        }
        #expect(policy.heaps.heap(ofClass: 0).count == 6)
        #expect(policy.heaps.drained.count == 3)
        for _ in 0..<12 { #expect(policy.pick() == reference.pick()) }
        for server in [middle, root, last] {
            try policy.setWeight(3, for: ServerID(server))
            try reference.setWeight(3, for: ServerID(server))
            #expect(policy._invariantViolation() == nil)
        }
        #expect(policy.heaps.drained.isEmpty)
        for _ in 0..<12 { #expect(policy.pick() == reference.pick()) }
        #expect(policy.activeConnections() == reference.activeConnections())
    }

    @Test("setWeight moves servers between class heaps; a class emptied and reborn; the tournament grows")
    func serversMoveBetweenClasses() throws {
        var run = try Lockstep<MinHeapPolicy>(weights: [1, 2, 3, 4, 1, 2, 3, 4]) { $0._invariantViolation() }
        try run.pick(20)
        // Weight 4's class loses both members (to weight 1), then comes back with other servers.
        try run.setWeight(1, for: [3, 7])
        #expect(run.policy.heaps.regions.filter { $0.count > 0 }.count == 3)
        try run.pick(20)
        try run.setWeight(4, for: [0, 5])
        #expect(run.policy.heaps.regions.filter { $0.count > 0 }.count == 4)
        try run.pick(20)
        // Eight distinct weights: more classes than the tournament was built for.
        for (weight, server) in [(5, 0), (6, 1), (7, 2), (8, 3), (9, 4)] { try run.setWeight(weight, for: [server]) }
        #expect(run.policy.heaps.tournament.capacity >= 8)
        try run.pick(40)
        // Everyone back to one weight, one class, through drains.
        try run.setWeight(0, for: Array(0..<8))
        #expect(run.policy.pick() == nil && run.reference.pick() == nil)
        try run.setWeight(2, for: Array(0..<8))
        try run.pick(20)
        try run.releaseAll()
    }

    @Test("every server drained: pick is nil, releases still count, undrain picks again")
    func allDrained() throws {
        var policy = try MinHeapPolicy(weights: [1, 1])
        let picked = policy.pick()
        let first = try #require(picked)
        try policy.setWeight(0, for: ServerID(0))
        try policy.setWeight(0, for: ServerID(1))
        #expect(policy.heaps.winningClass == -1)
        #expect(policy.pick() == nil)
        policy.release(first)
        #expect(policy.activeConnections() == [0, 0])
        try policy.setWeight(5, for: ServerID(1))
        #expect(policy.pick() == ServerID(1))
        #expect(policy._invariantViolation() == nil)
    }

    @Test("setting the same weight sends a server behind its equals")
    func sameWeightRequeues() throws {
        var policy = try MinHeapPolicy(weights: [1, 1, 1])
        try policy.setWeight(1, for: ServerID(0))
        #expect([policy.pick(), policy.pick(), policy.pick()] == [ServerID(1), ServerID(2), ServerID(0)])
    }

    @Test("the invariant checker notices damage")
    func checkerCatchesDamage() throws {
        var healthy = try MinHeapPolicy(weights: [1, 2, 0, 1, 1, 3, 1])
        for _ in 0..<4 { _ = healthy.pick() }
        #expect(healthy._invariantViolation() == nil)
        let ones = Int(healthy.classes.classOf[0])

        let base = Int(healthy.heaps.regions[ones].base)
        let slots = base ..< base + Int(healthy.heaps.regions[ones].count)

        var misplaced = healthy
        misplaced.makeStorageUnique()  // damage this copy only
        misplaced.heaps.nodes.swapAt(base, base + 1)
        #expect(misplaced._invariantViolation()?.contains("position") == true)

        var outOfOrder = healthy
        outOfOrder.makeStorageUnique()  // damage this copy only
        outOfOrder.heaps.nodes[base].active = 9
        #expect(outOfOrder._invariantViolation()?.contains("precedes its parent") == true)

        var wrongWeight = healthy
        wrongWeight.heaps.regions[ones].weight = 2
        #expect(wrongWeight._invariantViolation()?.contains("weight") == true)

        var sharedStamp = healthy
        sharedStamp.makeStorageUnique()  // damage this copy only
        sharedStamp.heaps.nodes[base + 2].stamp = sharedStamp.heaps.nodes[base + 1].stamp
        #expect(sharedStamp._invariantViolation()?.contains("twice") == true)

        // A member changed later but with an earlier virtual time: the cheap (count, stamp)
        // order of a class heap would no longer be the whole key's.
        var timeGoesBack = healthy
        timeGoesBack.makeStorageUnique()  // damage this copy only
        let newest = slots.max { timeGoesBack.heaps.nodes[$0].stamp < timeGoesBack.heaps.nodes[$1].stamp }!
        let oldest = slots.min { timeGoesBack.heaps.nodes[$0].stamp < timeGoesBack.heaps.nodes[$1].stamp }!
        timeGoesBack.heaps.nodes[newest].units = 0
        timeGoesBack.heaps.nodes[oldest].units = 5
        #expect(timeGoesBack._invariantViolation()?.contains("earlier virtual time") == true)

        var overlapping = healthy
        overlapping.heaps.regions[ones].capacity += 1
        #expect(overlapping._invariantViolation()?.contains("region") == true)

        // More room than `ClassHeaps.room(for:)` its members, or more dead slots than slots in
        // regions: the documented memory bound would no longer hold.
        var roomy = healthy
        roomy.makeStorageUnique()  // damage this copy only
        let threes = Int(roomy.classes.classOf[5])  // server 5, alone in its class
        let alone = roomy.heaps.regions[threes]
        roomy.heaps.regions[threes].base = Int32(roomy.heaps.nodes.count)
        roomy.heaps.regions[threes].capacity = 5
        roomy.heaps.nodes.append(contentsOf: [roomy.heaps.nodes[Int(alone.base)]] + Array(repeating: ClassHeaps.filler, count: 4))
        roomy.heaps.deadSlots += Int(alone.capacity)
        #expect(roomy._invariantViolation()?.contains("room for 5 slots") == true)

        var mostlyDead = healthy
        mostlyDead.makeStorageUnique()  // damage this copy only
        mostlyDead.heaps.nodes.append(contentsOf: repeatElement(ClassHeaps.filler, count: 7))
        mostlyDead.heaps.deadSlots += 7
        #expect(mostlyDead._invariantViolation()?.contains("outnumber") == true)

        var wrongWinner = healthy
        wrongWinner.makeStorageUnique()  // damage this copy only
        let rootClass = wrongWinner.heaps.tournament.entries[1].weightClass
        wrongWinner.heaps.tournament.entries[1].weightClass = rootClass == 0 ? 1 : 0
        #expect(wrongWinner._invariantViolation()?.contains("tournament") == true)

        // Three classes, so the tournament keeps keys: a leaf's copy of its class root's key
        // that missed a change, and an inner entry that kept a key its winner no longer has.
        let capacity = healthy.heaps.tournament.capacity
        #expect(capacity > 1)
        var staleLeaf = healthy
        staleLeaf.makeStorageUnique()  // damage this copy only
        staleLeaf.heaps.tournament.entries[capacity + ones].stamp &+= 1
        #expect(staleLeaf._invariantViolation()?.contains("tournament leaf") == true)

        var staleMatch = healthy
        staleMatch.makeStorageUnique()  // damage this copy only
        staleMatch.heaps.tournament.entries[1].active &+= 1
        #expect(staleMatch._invariantViolation()?.contains("tournament slot 1") == true)
    }
}
