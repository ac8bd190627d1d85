import Foundation
import LBRandom
import Testing
@testable import LoadBalancing

/// `partitioned`: exact within a shard, the lower of two published shard minima across shards.
@Suite("partitioned: shards with published minima")
struct PartitionedSelectorTests {
    @Test("two shards: every pick compares both, so one thread picks a minimal score every time")
    func twoShardsAreExactOnOneThread() throws {
        for seed in UInt64(0)..<50 {
            var random = SplitMix64(seed: seed)
            let weights = (0..<Int.random(in: 2...10, using: &random)).map { _ in Int.random(in: 1...4, using: &random) }
            let selector = try PartitionedSelector(weights: weights, shards: 2, seed: seed)
            var held: [ServerID] = []
            for _ in 0..<300 {
                if held.isEmpty || Int.random(in: 0..<3, using: &random) > 0 {
                    let counts = selector.activeConnections()
                    let minimum = weights.indices.map { Score(active: UInt32(counts[$0]), weight: UInt32(weights[$0])) }.min()!
                    let server = try #require(selector.pick())
                    #expect(Score(active: UInt32(counts[server.index]), weight: UInt32(weights[server.index])) == minimum)
                    held.append(server)
                } else {
                    selector.release(held.remove(at: Int.random(in: 0..<held.count, using: &random)))
                }
            }
            for server in held { selector.release(server) }
            #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        }
    }

    @Test("one connection at a time: shares follow weights (servers of one weight per shard)")
    func lightLoadSharesFollowWeights() throws {
        // Two shards: even ids (weight 3) in shard 0, odd ids (weight 1) in shard 1.
        let weights = [3, 1, 3, 1, 3, 1]
        let selector = try PartitionedSelector(weights: weights, shards: 2, seed: 3)
        var picks = Array(repeating: 0, count: weights.count)
        let rounds = 8_000
        for _ in 0..<rounds { selector.withConnection { server in picks[server.index] += 1 } }
        for (server, weight) in weights.enumerated() {
            let share = Double(rounds * weight) / Double(weights.reduce(0, +))
            #expect(abs(Double(picks[server]) - share) < share * 0.1, "\(picks)")
        }
    }

    @Test("a fully drained shard is skipped, and undraining it brings it back")
    func drainedShard() throws {
        let selector = try PartitionedSelector(weights: [1, 0, 1, 0], shards: 2)
        for _ in 0..<20 { #expect(selector.pick()!.index % 2 == 0) }
        try selector.setWeight(0, for: ServerID(0))
        try selector.setWeight(0, for: ServerID(2))
        #expect(selector.pick() == nil)
        try selector.setWeight(1, for: ServerID(3))
        #expect(selector.pick() == ServerID(3))
    }

    @Test("many threads, 256 servers: counts drain to 0", arguments: [1, 4, 16])
    func concurrentDrain(shards: Int) throws {
        let selector = try PartitionedSelector(weights: (0..<256).map { $0 % 3 + 1 }, shards: shards, seed: 9)
        runConcurrently(threads: 4) { worker in
            var held: [ServerID] = []
            for step in 0..<2_000 {
                held.append(selector.pick()!)
                if held.count > 32 || step % 2 == 0 { selector.release(held.removeFirst()) }
            }
            for server in held { selector.release(server) }
        }
        #expect(selector.activeConnections().allSatisfy { $0 == 0 })
    }
}
