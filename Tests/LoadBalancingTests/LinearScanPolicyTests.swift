@testable import LoadBalancing
import LBRandom
import Testing

/// `LinearScanPolicy`'s layouts: records grouped in one segment per weight class, the drained
/// last, moved between segments by `setWeight`; and, for small farms of several weights, ranks
/// (`RankedScan`), which `setWeight` may switch to and from. The choices are checked against
/// the reference model; the layout with `_invariantViolation()` after every step.
@Suite("linear-scan policy")
struct LinearScanPolicyTests {
    @Test("random weights, drains and weight changes match the reference, segments stay valid",
          arguments: [(200, 0..<UInt64(6)), (1_000, 50..<UInt64(52))])
    func largeRandom(serverCount: Int, seeds: Range<UInt64>) throws {
        for seed in seeds {
            try driveAgainstReference(
                LinearScanPolicy.self, serverCount: serverCount, weightChoices: [0, 1, 2, 3, 7, 100],
                steps: 600, seed: seed
            ) { $0._invariantViolation() }
        }
    }

    @Test("segments just below, at and above the two-chain width match the reference",
          arguments: [[1], [1, 2], [1, 2, 3, 0]])
    func segmentsAroundTheWideWidth(weightChoices: [Int]) throws {
        let wide = LinearScanPolicy.wideSegment
        for serverCount in [wide - 1, wide, wide + 1, 2 * wide + 1, 3 * wide] {
            for seed in UInt64(0)..<8 {
                try driveAgainstReference(
                    LinearScanPolicy.self, serverCount: serverCount, weightChoices: weightChoices,
                    steps: 400, seed: seed
                ) { $0._invariantViolation() }
            }
        }
    }

    @Test("the two-chain winner is the least (count, stamp), every length from 2 to 40, odd and even")
    func twoChainWinnerIsTheLeast() {
        var random = SplitMix64(seed: 14)
        for length in 2...40 {
            for _ in 0..<200 {
                // A few records before and after the segment, so that its bounds are not the array's.
                let stamps = (0..<UInt64(length + 4)).shuffled(using: &random)
                let records = stamps.map { stamp in
                    LinearScanPolicy.Record(
                        active: UInt32.random(in: 0..<3, using: &random), server: 0, stamp: stamp, units: 0)
                }
                let segment = 2..<(2 + length)
                let least = segment.min { (records[$0].active, records[$0].stamp) < (records[$1].active, records[$1].stamp) }!
                records.withUnsafeBufferPointer { buffer in
                    #expect(LinearScanPolicy.wideSegmentWinner(buffer, from: segment.lowerBound, to: segment.upperBound) == least)
                    #expect(LinearScanPolicy.segmentWinner(buffer, from: segment.lowerBound, to: segment.upperBound) == least)
                }
            }
        }
    }

    @Test("setWeight moves records between segments; a class emptied and reborn; new class indices")
    func recordsMoveBetweenSegments() throws {
        // 41 servers: more than a farm that keeps ranks, so segments at every step.
        let servers = 41
        var run = try Lockstep<LinearScanPolicy>(weights: (0..<40).map { $0 % 4 + 1 } + [0]) { $0._invariantViolation() }
        try run.pick(60)
        #expect(!run.policy.usesRanks)
        #expect(run.policy.segmentStart == [0, 10, 20, 30, 40, 41])
        // Weight 4's class empties (its servers go to weight 1), then is reborn with others.
        try run.setWeight(1, for: Array(stride(from: 3, to: 40, by: 4)))
        try run.pick(60)
        try run.setWeight(4, for: [0, 5])
        try run.pick(60)
        // The drained server returns with a new weight, and five new weights need new segments.
        try run.setWeight(9, for: [40])
        for (weight, server) in [(5, 0), (6, 1), (7, 2), (8, 3)] { try run.setWeight(weight, for: [server]) }
        #expect(run.policy.segmentStart.count >= 10)
        try run.pick(120)
        // Everyone drained, then one weight again.
        try run.setWeight(0, for: Array(0..<servers))
        #expect(run.policy.pick() == nil && run.reference.pick() == nil)
        try run.setWeight(2, for: Array(0..<servers))
        try run.pick(60)
        try run.releaseAll()
    }

    @Test("small farms of several weights keep ranks, others segments; setWeight switches the layout")
    func layoutFollowsTheFarm() throws {
        func usesRanks(_ weights: [Int]) throws -> Bool { try LinearScanPolicy(weights: weights).usesRanks }
        #expect(try usesRanks([1, 2, 3, 4, 1, 2, 3, 4]))
        #expect(try usesRanks([2, 1]))
        #expect(try usesRanks((0..<32).map { $0 % 4 + 1 }))
        #expect(try !usesRanks((0..<33).map { $0 % 4 + 1 }), "more servers than RankedScan.farmLimit")
        #expect(try !usesRanks(Array(repeating: 3, count: 8)), "one weight")
        #expect(try !usesRanks([5, 0, 5, 0]), "one weight and drained servers")
        #expect(try usesRanks([256, 255, 0]), "least common multiple 65,280")
        #expect(try !usesRanks([257, 256]), "least common multiple 65,792, at least 2^16")

        var run = try Lockstep<LinearScanPolicy>(weights: Array(repeating: 1, count: 8), inFlight: 3) { $0._invariantViolation() }
        try run.pick(30)
        #expect(!run.policy.usesRanks)
        try run.setWeight(2, for: [0, 5])  // a second weight: ranks
        #expect(run.policy.usesRanks)
        try run.pick(40)
        try run.setWeight(257, for: [1])
        try run.setWeight(256, for: [2])  // 2 × 257 × 256 is at least 2^16: segments
        #expect(!run.policy.usesRanks)
        try run.pick(40)
        try run.setWeight(1, for: [1, 2])  // ranks again, states carried over
        #expect(run.policy.usesRanks)
        try run.pick(40)
        try run.setWeight(0, for: Array(0..<8))  // every server drained: segments
        #expect(!run.policy.usesRanks)
        #expect(run.policy.pick() == nil && run.reference.pick() == nil)
        try run.setWeight(3, for: [4])
        try run.setWeight(1, for: [6])
        #expect(run.policy.usesRanks)
        try run.pick(30)
        try run.releaseAll()
    }

    @Test("small farms, ranks and segments and the switches between them, match the reference",
          arguments: [[0, 1, 2, 3, 4], [1, 2], [0, 1, 255, 256, 257], [1, 1, 1, 6, 0]])
    func smallFarmsMatchTheReference(weightChoices: [Int]) throws {
        for serverCount in [1, 2, 3, 5, 8, 16, 31, 32, 33] {
            for seed in UInt64(0)..<12 {
                try driveAgainstReference(
                    LinearScanPolicy.self, serverCount: serverCount, weightChoices: weightChoices,
                    steps: 400, seed: seed
                ) { $0._invariantViolation() }
            }
        }
    }

    @Test("the invariant checker notices damage to segments")
    func checkerCatchesDamage() throws {
        // 36 servers, so segments: weight 1 (servers 0, 3) in slots 0 and 1, weight 2 in 2 and 3.
        var healthy = try LinearScanPolicy(weights: [1, 2, 0, 1, 2, 3] + Array(repeating: 5, count: 30))
        for _ in 0..<3 { _ = healthy.pick() }
        #expect(healthy._invariantViolation() == nil)

        var swapped = healthy
        swapped.makeStorageUnique()  // damage this copy only
        swapped.records.swapAt(0, 1)
        #expect(swapped._invariantViolation()?.contains("slot") == true)

        var wrongSegment = healthy
        wrongSegment.makeStorageUnique()  // damage this copy only
        // Server 1 (weight 2) recorded in class 0's segment: slots agree, classes do not.
        wrongSegment.records.swapAt(1, 2)
        wrongSegment.slotOf[Int(wrongSegment.records[1].server)] = 1
        wrongSegment.slotOf[Int(wrongSegment.records[2].server)] = 2
        #expect(wrongSegment._invariantViolation()?.contains("segment of class") == true)

        var shortSegment = healthy
        shortSegment.segmentStart[1] += 1
        #expect(shortSegment._invariantViolation()?.contains("members") == true)
    }

    @Test("the invariant checker notices damage to ranks and a layout that is not the farm's")
    func checkerCatchesDamageToRanks() throws {
        var healthy = try LinearScanPolicy(weights: [1, 2, 0, 1, 2, 3])
        for _ in 0..<4 { _ = healthy.pick() }
        #expect(healthy.usesRanks && healthy._invariantViolation() == nil)

        var miscounted = healthy
        miscounted.makeStorageUnique()  // damage this copy only
        miscounted.ranked.ranks[1].active += 1
        #expect(miscounted._invariantViolation()?.contains("does not match") == true)

        var rescaled = healthy
        rescaled.makeStorageUnique()
        rescaled.ranked.ranks[0].scale += 1
        #expect(rescaled._invariantViolation()?.contains("scale") == true)

        var awakened = healthy
        awakened.makeStorageUnique()
        awakened.ranked.ranks[2].high = 0
        #expect(awakened._invariantViolation()?.contains("drained") == true)

        var reclassed = healthy
        reclassed.makeStorageUnique()
        reclassed.ranked.ranks[3].weightClass = 1
        #expect(reclassed._invariantViolation()?.contains("class") == true)

        var segmented = healthy
        segmented.layOutInSegments(healthy.serverStates())
        #expect(segmented._invariantViolation()?.contains("should keep ranks") == true)
        var oneWeight = try LinearScanPolicy(weights: Array(repeating: 1, count: 6))
        oneWeight.ranked = RankedScan(oneWeight.serverStates(), classes: oneWeight.classes, scales: [1])
        oneWeight.usesRanks = true
        #expect(oneWeight._invariantViolation()?.contains("should keep segments") == true)
    }
}
