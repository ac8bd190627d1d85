@testable import LoadBalancing
import LBRandom
import Testing

/// `LinearScanPolicy`'s layout: records grouped in one segment per weight class, the drained
/// last, moved between segments by `setWeight`. The choices are checked against the reference
/// model; the layout with `_invariantViolation()` after every step.
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
        var run = try Lockstep<LinearScanPolicy>(weights: [1, 2, 3, 4, 1, 2, 3, 4, 0]) { $0._invariantViolation() }
        try run.pick(20)
        #expect(run.policy.segmentStart == [0, 2, 4, 6, 8, 9])
        // Weight 4's class empties (its servers go to weight 1), then is reborn with others.
        try run.setWeight(1, for: [3, 7])
        try run.pick(20)
        try run.setWeight(4, for: [0, 5])
        try run.pick(20)
        // The drained server returns with a new weight, and five new weights need new segments.
        try run.setWeight(9, for: [8])
        for (weight, server) in [(5, 0), (6, 1), (7, 2), (8, 3)] { try run.setWeight(weight, for: [server]) }
        #expect(run.policy.segmentStart.count >= 10)
        try run.pick(40)
        // Everyone drained, then one weight again.
        try run.setWeight(0, for: Array(0..<9))
        #expect(run.policy.pick() == nil && run.reference.pick() == nil)
        try run.setWeight(2, for: Array(0..<9))
        try run.pick(20)
        try run.releaseAll()
    }

    @Test("the invariant checker notices damage")
    func checkerCatchesDamage() throws {
        var healthy = try LinearScanPolicy(weights: [1, 2, 0, 1, 2, 3])
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
}
