import Foundation
import LBRandom
import Testing
@testable import LoadBalancing

/// `partitioned`: exact within a shard, the lowest of three published shard minima (two random,
/// one remembered) across shards.
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
        expectLightLoadSharesFollow(weights, selector)
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

    @Test("an even farm stays even when each release is followed by a pick on the same thread")
    func releaseThenPickStaysEven() throws {
        // 16 shards of 4 servers, 4 connections each: every score equal. A release makes its
        // server the unique minimum; the remembered shard finds it, where two random shards
        // (the design before the memory) find it 2 times in 16.
        for seed in UInt64(0)..<5 {
            let selector = try PartitionedSelector(weights: Array(repeating: 1, count: 64), seed: seed)
            for server in 0..<64 { for _ in 0..<4 { selector.assign(ServerID(server)) } }
            var random = SplitMix64(seed: seed)
            for _ in 0..<2_000 {
                let released = ServerID(Int.random(in: 0..<64, using: &random))
                selector.release(released)
                #expect(selector.pick() == released)
            }
            #expect(selector.activeConnections() == Array(repeating: 4, count: 64))
        }
    }

    @Test("assign republishes its shard's minimum")
    func assignRepublishes() throws {
        // Two shards: even ids in shard 0, odd in shard 1. Filling shard 0 by `assign` must
        // send the next four picks to shard 1, whose minimum is now the lower. (Before the
        // fix shard 0 still published 0, and each pick went there on a coin toss.)
        let selector = try PartitionedSelector(weights: Array(repeating: 1, count: 8), shards: 2)
        for server in stride(from: 0, to: 8, by: 2) { selector.assign(ServerID(server)) }
        for _ in 0..<4 { #expect(selector.pick()!.index % 2 == 1) }
        #expect(selector.activeConnections() == Array(repeating: 1, count: 8))
    }

    @Test("three candidates: the lowest score wins, ties split by weight, the runner-up kept")
    func shardChoice() {
        var random = SplitMix64(seed: 1)
        var choice = ShardChoice()
        choice.consider(3, score: Score(active: 2, weight: 1), weight: 4, using: &random)
        choice.consider(5, score: Score(active: 1, weight: 1), weight: 4, using: &random)
        choice.consider(7, score: Score(active: 3, weight: 1), weight: 4, using: &random)
        #expect(choice.winner == 5 && choice.runnerUp == 3)
        #expect(choice.remembered(winnerNow: Score(active: 2, weight: 1)) == 5)
        #expect(choice.remembered(winnerNow: Score(active: 3, weight: 1)) == 3)
        var wins = [0, 0, 0]
        for _ in 0..<6_000 {
            var tie = ShardChoice()
            for (shard, weight) in [1, 2, 3].enumerated() {
                tie.consider(shard, score: Score(active: 0, weight: 1), weight: weight, using: &random)
            }
            wins[tie.winner] += 1
        }
        for (shard, weight) in [1, 2, 3].enumerated() {
            #expect(abs(wins[shard] - 1_000 * weight) < 150, "\(wins)")
        }
    }

    /// A pick or an assignment beyond `SelectorLimits.maximumActiveConnections` names the
    /// caller's server, not its shard's local one (server 17 of 32 is shard 1's server 1). No
    /// test can make 2³² connections, so each case plants the count at the limit in shard 1.
    @Test("too many connections: the message names the caller's server, not the shard's local one")
    func tooManyConnectionsNamesTheServer() async {
        let picked = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            // Only server 17 can be picked: shard 1's local server 1, alone in its weight class.
            let selector = try! PartitionedSelector(weights: (0..<32).map { $0 == 17 ? 1 : 0 })
            selector.shards[1].withGuarded { $0.policy.classes[0].minimum = UInt32.max }
            _ = selector.pick()
        }
        expectStopped(picked, saying: "pick would give server 17 more than")
        let assigned = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let selector = try! PartitionedSelector(weights: Array(repeating: 1, count: 32))
            selector.shards[1].withGuarded { $0.policy.nodes[1].active = UInt32.max }
            selector.assign(ServerID(17))
        }
        expectStopped(assigned, saying: "pick would give server 17 more than")
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

    /// Guards `setWeight`'s update of the shard's total weight, which splits ties between
    /// shards in proportion to weight (`ShardChoice`): weights set after construction must
    /// count as weights given to it. With the total left at its first value, shards that tie
    /// at score 0 split the picks evenly whatever their servers' new weights (a mutant that
    /// kept the old total survived the rest of the suite).
    @Test("one connection at a time: shares follow weights set after construction")
    func lightLoadSharesFollowChangedWeights() throws {
        // Two shards: even ids in shard 0, odd ids in shard 1; the even ids go to weight 3.
        let weights = [3, 1, 3, 1, 3, 1]
        let selector = try PartitionedSelector(weights: Array(repeating: 1, count: weights.count), shards: 2, seed: 3)
        for server in stride(from: 0, to: weights.count, by: 2) { try selector.setWeight(3, for: ServerID(server)) }
        #expect(selector.weights() == weights)
        expectLightLoadSharesFollow(weights, selector)
    }

    /// Takes 8,000 connections one at a time (each released before the next) and expects
    /// each server's picks within 10% of its weight's share.
    private func expectLightLoadSharesFollow(_ weights: [Int], _ selector: PartitionedSelector) {
        var picks = Array(repeating: 0, count: weights.count)
        let rounds = 8_000
        for _ in 0..<rounds { selector.withConnection { server in picks[server.index] += 1 } }
        for (server, weight) in weights.enumerated() {
            let share = Double(rounds * weight) / Double(weights.reduce(0, +))
            #expect(abs(Double(picks[server]) - share) < share * 0.1, "\(picks)")
        }
    }
}
