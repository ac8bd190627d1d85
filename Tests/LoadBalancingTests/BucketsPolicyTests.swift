@testable import LoadBalancing
import Testing

/// `BucketsPolicy` at sizes the selector-level tests do not reach, and its structural edges:
/// a class that empties, bucket arrays that grow, draining the minimum bucket, undraining.
/// Debug builds also run `_checkInvariants()` inside every operation; these tests call the
/// checker themselves so they fail in any configuration.
@Suite("buckets policy")
struct BucketsPolicyTests {
    @Test("many servers and weight classes with drains match the reference and stay valid",
          arguments: [(1_000, 0..<UInt64(8)), (5_000, 100..<UInt64(102))])
    func largeRandom(serverCount: Int, seeds: Range<UInt64>) throws {
        for seed in seeds {
            try driveAgainstReference(
                BucketsPolicy.self, serverCount: serverCount, weightChoices: [0, 1, 2, 3, 7, 100],
                steps: 600, seed: seed
            ) { $0._invariantViolation() }
        }
    }

    @Test("few servers, deep counts: buckets grow and the minimum moves both ways")
    func deepCounts() throws {
        for seed in UInt64(0)..<40 {
            try driveAgainstReference(
                BucketsPolicy.self, serverCount: 6, weightChoices: [0, 1, 2, 5], steps: 800, seed: seed
            ) { $0._invariantViolation() }
        }
    }

    @Test("a class whose last member changes weight is retired and its index reused")
    func classEmpties() throws {
        var policy = try BucketsPolicy(weights: [1, 2, 2])
        #expect(policy.liveClasses.count == 2)
        try policy.setWeight(1, for: ServerID(1))
        #expect(policy.liveClasses.count == 2)
        try policy.setWeight(0, for: ServerID(2))
        #expect(policy.liveClasses.count == 1)
        let retired = try #require(policy.freeClasses.first)
        #expect(policy.sentinels[Int(retired)].isEmpty)
        #expect(policy.spareSentinels.count == 1)
        #expect(policy.classOfWeight[2] == nil)
        try policy.setWeight(4, for: ServerID(0))
        #expect(policy.freeClasses.isEmpty)
        #expect(policy.spareSentinels.isEmpty, "the new class's bucket 0 reuses the spare sentinel")
        #expect(policy.classOfWeight[4] == retired)
        #expect(policy.weights() == [4, 1, 0])
        #expect(policy._invariantViolation() == nil)
        // Server 0 scores 0/4 and server 1 0/1: equal, and server 1 changed weight first.
        #expect(policy.pick() == ServerID(1))
        #expect(policy.pick() == ServerID(0))
    }

    @Test("bucket arrays grow with the highest count, also when a loaded server joins a class")
    func bucketGrowth() throws {
        var policy = try BucketsPolicy(weights: [1, 1, 3])
        for _ in 0..<250 { _ = policy.pick() }
        // Weights 1, 1, 3 split 250 picks 50, 50, 150.
        #expect(policy.activeConnections() == [50, 50, 150])
        let unitClass = Int(try #require(policy.classOfWeight[1]))
        let heavyClass = Int(try #require(policy.classOfWeight[3]))
        #expect(policy.sentinels[unitClass].count == 51)
        #expect(policy.sentinels[heavyClass].count == 151)
        try policy.setWeight(7, for: ServerID(2))
        let newClass = Int(try #require(policy.classOfWeight[7]))
        #expect(policy.sentinels[newClass].count == 151)
        #expect(policy.spareSentinels.isEmpty, "the retired class's 151 sentinels were reused")
        #expect(policy.nodes.count == 3 + 51 + 151)
        #expect(policy.classes[newClass].minimum == 150)
        #expect(policy._invariantViolation() == nil)
    }

    @Test("draining the only server of the minimum bucket advances the minimum past empty buckets")
    func drainMinimum() throws {
        var policy = try BucketsPolicy(weights: [1, 1, 1, 1])
        var reference = try ReferenceLeastConnections(weights: [1, 1, 1, 1])
        // Counts 1, 3, 3, 5: pick all to 5, then release server 0 to 1 and servers 1, 2 to 3.
        for _ in 0..<20 { #expect(policy.pick() == reference.pick()) }
        for (server, releases) in [(0, 4), (1, 2), (2, 2)] {
            for _ in 0..<releases {
                policy.release(ServerID(server))
                reference.release(ServerID(server))
            }
        }
        let unitClass = Int(try #require(policy.classOfWeight[1]))
        #expect(policy.classes[unitClass].minimum == 1)
        try policy.setWeight(0, for: ServerID(0))
        try reference.setWeight(0, for: ServerID(0))
        #expect(policy.classes[unitClass].minimum == 3)
        #expect(policy._invariantViolation() == nil)
        // Servers 1 and 2 tie at 3; server 1 was released first.
        #expect(policy.pick() == ServerID(1))
        #expect(reference.pick() == ServerID(1))
        // A drained server's release counts but touches no list.
        policy.release(ServerID(0))
        #expect(policy.activeConnections(of: ServerID(0)) == 0)
        #expect(policy.nodes[0].previous == -1 && policy.nodes[0].next == -1)
        #expect(policy._invariantViolation() == nil)
    }

    @Test("undraining a loaded server lowers its class's minimum; undraining into a new class creates it")
    func undrain() throws {
        var policy = try BucketsPolicy(weights: [1, 1, 1])
        for _ in 0..<9 { _ = policy.pick() }
        try policy.setWeight(0, for: ServerID(0))
        for _ in 0..<6 { _ = policy.pick() }
        #expect(policy.activeConnections() == [3, 6, 6])
        let unitClass = Int(try #require(policy.classOfWeight[1]))
        #expect(policy.classes[unitClass].minimum == 6)
        try policy.setWeight(1, for: ServerID(0))
        #expect(policy.classes[unitClass].minimum == 3)
        #expect(policy.pick() == ServerID(0))
        try policy.setWeight(0, for: ServerID(1))
        try policy.setWeight(2, for: ServerID(1))
        #expect(policy.liveClasses.count == 2)
        // Server 1 now scores 6/2 = 3, below server 0's 4/1 and server 2's 6/1.
        #expect(policy.pick() == ServerID(1))
        #expect(policy._invariantViolation() == nil)
    }

    @Test("setting the same weight sends a server behind its equals")
    func sameWeightRequeues() throws {
        var policy = try BucketsPolicy(weights: [1, 1, 1])
        try policy.setWeight(1, for: ServerID(0))
        #expect([policy.pick(), policy.pick(), policy.pick()] == [ServerID(1), ServerID(2), ServerID(0)])
    }

    @Test("the invariant checker notices damage")
    func checkerCatchesDamage() throws {
        var healthy = try BucketsPolicy(weights: [1, 1, 1, 2, 0])
        for _ in 0..<4 { _ = healthy.pick() }
        #expect(healthy._invariantViolation() == nil)
        let unitClass = Int(try #require(healthy.classOfWeight[1]))

        var staleMinimum = healthy
        staleMinimum.makeStorageUnique()  // damage this copy only
        staleMinimum.classes[unitClass].minimum = 2
        #expect(staleMinimum._invariantViolation()?.contains("caches minimum") == true)

        var staleSentinel = healthy
        staleSentinel.makeStorageUnique()  // damage this copy only
        staleSentinel.classes[unitClass].minimumSentinel = staleSentinel.sentinels[unitClass][0]
        #expect(staleSentinel._invariantViolation()?.contains("caches minimum sentinel") == true)

        var staleHeadStamp = healthy
        staleHeadStamp.makeStorageUnique()  // damage this copy only
        staleHeadStamp.classes[unitClass].headStamp &+= 1
        #expect(staleHeadStamp._invariantViolation()?.contains("caches head") == true)

        var staleHeadUnits = healthy
        staleHeadUnits.makeStorageUnique()  // damage this copy only
        staleHeadUnits.classes[unitClass].headUnits &+= 1
        #expect(staleHeadUnits._invariantViolation()?.contains("caches head") == true)

        var wrongMembers = healthy
        wrongMembers.makeStorageUnique()  // damage this copy only
        wrongMembers.classes[unitClass].members = 2
        #expect(wrongMembers._invariantViolation()?.contains("members") == true)

        var outOfOrder = healthy
        outOfOrder.makeStorageUnique()  // damage this copy only
        let head = Int(outOfOrder.nodes[Int(outOfOrder.sentinels[unitClass][1])].next)
        let second = Int(outOfOrder.nodes[head].next)
        (outOfOrder.nodes[head].stamp, outOfOrder.nodes[second].stamp) =
            (outOfOrder.nodes[second].stamp, outOfOrder.nodes[head].stamp)
        #expect(outOfOrder._invariantViolation()?.contains("stamp order") == true)

        var wrongBucket = healthy
        wrongBucket.makeStorageUnique()  // damage this copy only
        wrongBucket.nodes[head].active = 0
        #expect(wrongBucket._invariantViolation()?.contains("in bucket") == true)

        var linkedDrained = healthy
        linkedDrained.makeStorageUnique()  // damage this copy only
        linkedDrained.nodes[4].next = 0
        #expect(linkedDrained._invariantViolation()?.contains("still linked") == true)

        var unlisted = healthy
        unlisted.makeStorageUnique()  // damage this copy only
        unlisted.nodes[4].weightClass = Int32(unitClass)  // a class, but in none of its buckets
        #expect(unlisted._invariantViolation()?.contains("is in no bucket") == true)

        var sharedSentinel = healthy
        sharedSentinel.makeStorageUnique()  // damage this copy only
        sharedSentinel.sentinels[unitClass][0] = sharedSentinel.sentinels[unitClass][1]
        #expect(sharedSentinel._invariantViolation()?.contains("sentinel") == true)
    }
}
