@testable import LoadBalancing
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

    @Test("setWeight moves records between segments; a class emptied and reborn; new class indices")
    func recordsMoveBetweenSegments() throws {
        let weights = [1, 2, 3, 4, 1, 2, 3, 4, 0]
        var policy = try LinearScanPolicy(weights: weights)
        var reference = try ReferenceLeastConnections(weights: weights)
        var held: [ServerID] = []
        func step(_ picks: Int) throws {
            for _ in 0..<picks {
                let expected = reference.pick()
                try #require(policy.pick() == expected)
                if let expected { held.append(expected) }
                if held.count > 2 {
                    let server = held.removeFirst()
                    reference.release(server)
                    policy.release(server)
                }
            }
        }
        func set(_ weight: Int, _ servers: [Int]) throws {
            for server in servers {
                try reference.setWeight(weight, for: ServerID(server))
                try policy.setWeight(weight, for: ServerID(server))
                try #require(policy._invariantViolation() == nil, "weight \(weight) for \(server)")
                try #require(policy.weight(of: ServerID(server)) == weight)
            }
        }
        try step(20)
        #expect(policy.segmentStart == [0, 2, 4, 6, 8, 9])
        // Weight 4's class empties (its servers go to weight 1), then is reborn with others.
        try set(1, [3, 7])
        try step(20)
        try set(4, [0, 5])
        try step(20)
        // The drained server returns with a new weight, and five new weights need new segments.
        try set(9, [8])
        try set(5, [0]); try set(6, [1]); try set(7, [2]); try set(8, [3])
        #expect(policy.segmentStart.count >= 10)
        try step(40)
        // Everyone drained, then one weight again.
        try set(0, Array(0..<9))
        #expect(policy.pick() == nil && reference.pick() == nil)
        try set(2, Array(0..<9))
        try step(20)
        for server in held { reference.release(server); policy.release(server) }
        #expect(policy.activeConnections() == reference.activeConnections())
    }

    @Test("the invariant checker notices damage")
    func checkerCatchesDamage() throws {
        var healthy = try LinearScanPolicy(weights: [1, 2, 0, 1, 2, 3])
        for _ in 0..<3 { _ = healthy.pick() }
        #expect(healthy._invariantViolation() == nil)

        var swapped = healthy
        swapped.records.swapAt(0, 1)
        #expect(swapped._invariantViolation()?.contains("slot") == true)

        var wrongSegment = healthy
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
