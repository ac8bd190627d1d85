import LBRandom
import LoadBalancing
import Testing

@Suite("p2c: power of two choices")
struct P2CTests {
    /// Random weights with some servers drained, at least one not.
    private static func weights(_ random: inout SplitMix64, serverCount: Int, drainedPercent: Int) -> [Int] {
        var weights = (0..<serverCount).map { _ in
            Int.random(in: 0..<100, using: &random) < drainedPercent ? 0 : Int.random(in: 1...4, using: &random)
        }
        weights[Int.random(in: 0..<serverCount, using: &random)] = Int.random(in: 1...4, using: &random)
        return weights
    }

    @Test("draws are two distinct servers with weight > 0; one eligible server is drawn alone")
    func distinctEligibleDraws() throws {
        for seed in UInt64(0)..<300 {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 1...200, using: &random)
            let drainedPercent = [0, 50, 90, 99, 100][Int(seed % 5)]
            let weights = Self.weights(&random, serverCount: serverCount, drainedPercent: drainedPercent)
            let eligible = weights.count { $0 > 0 }
            var policy = try P2CPolicy(weights: weights, seed: seed)
            for _ in 0..<50 {
                let drawn = policy.drawCandidates()
                let (first, second) = try #require(drawn)
                #expect(weights[first.index] > 0, "seed \(seed): drained \(first) drawn")
                if eligible == 1 {
                    #expect(second == nil, "seed \(seed): one eligible server, two drawn")
                } else {
                    let second = try #require(second, "seed \(seed): \(eligible) eligible, one drawn")
                    #expect(second != first && weights[second.index] > 0, "seed \(seed): \(first), \(second)")
                }
            }
        }
    }

    @Test("a pick never goes to the busier of its two draws")
    func neverTheBusierDraw() throws {
        for seed in UInt64(0)..<200 {
            var random = SplitMix64(seed: seed &+ 1_000)
            let weights = Self.weights(&random, serverCount: Int.random(in: 2...20, using: &random), drainedPercent: 20)
            var policy = try P2CPolicy(weights: weights, seed: seed)
            var held: [ServerID] = []
            for step in 0..<300 {
                if held.isEmpty || Int.random(in: 0..<100, using: &random) < 65 {
                    // Replay: a copy of the policy draws exactly what the pick will draw.
                    var twin = policy
                    let drawn = twin.drawCandidates()
                    let (first, second) = try #require(drawn)
                    let active = policy.activeConnections()
                    let pick = policy.pick()
                    let picked = try #require(pick)
                    held.append(picked)
                    guard let second else {
                        #expect(picked == first)
                        continue
                    }
                    #expect(picked == first || picked == second, "seed \(seed) step \(step)")
                    let other = picked == first ? second : first
                    #expect(active[picked.index] * weights[other.index] <= active[other.index] * weights[picked.index], "seed \(seed) step \(step): picked \(picked) over \(other), active \(active)")
                } else {
                    policy.release(held.remove(at: Int.random(in: 0..<held.count, using: &random)))
                }
            }
        }
    }

    @Test("the lower score wins, whichever draw it was; equal scores go either way in proportion to weight")
    func lowerScoreAndFairCoin() throws {
        // The seed's example: A (weight 4, 8 active) scores 2, B (weight 1, 3 active) scores 3.
        var policy = try P2CPolicy(weights: [4, 1], seed: 9)
        let held = (0..<40).map { _ in policy.pick(between: ServerID(0), and: ServerID(1)) }
        var surplus = policy.activeConnections()
        surplus[0] -= 8
        surplus[1] -= 3
        try #require(surplus.allSatisfy { $0 >= 0 })
        for server in held where surplus[server.index] > 0 {
            policy.release(server)
            surplus[server.index] -= 1
        }
        try #require(policy.activeConnections() == [8, 3])
        #expect(policy.pick(between: ServerID(1), and: ServerID(0)) == ServerID(0))
        #expect(policy.pick(between: ServerID(0), and: ServerID(1)) == ServerID(0))

        // Random pairs on random loads: the winner never has the higher score.
        var random = SplitMix64(seed: 31)
        var loaded = try P2CPolicy(weights: [1, 2, 3, 5, 1, 7], seed: 31)
        for step in 0..<5_000 {
            let first = Int.random(in: 0..<6, using: &random)
            let second = (first + Int.random(in: 1..<6, using: &random)) % 6
            let active = loaded.activeConnections()
            let winner = loaded.pick(between: ServerID(first), and: ServerID(second)).index
            let loser = winner == first ? second : first
            try #require(winner == first || winner == second)
            try #require(active[winner] * loaded.weight(of: ServerID(loser)) <= active[loser] * loaded.weight(of: ServerID(winner)),
                         "step \(step): \(winner) beat \(loser) with active \(active)")
            if step % 3 == 0 {
                let busiest = active.indices.max { active[$0] < active[$1] }!
                if active[busiest] > 0 { loaded.release(ServerID(busiest)) }
            }
        }

        var tie = try P2CPolicy(weights: [2, 2], seed: 17)
        var first = 0
        for _ in 0..<10_000 {
            let server = tie.pick(between: ServerID(0), and: ServerID(1))
            if server == ServerID(0) { first += 1 }
            tie.release(server)
        }
        #expect((4_700...5_300).contains(first), "first won \(first) of 10,000 ties")

        // Unequal weights: a tie goes to each in proportion to its weight, whichever was drawn first.
        var weighted = try P2CPolicy(weights: [1, 3], seed: 19)
        var light = 0
        for round in 0..<10_000 {
            let server = round % 2 == 0
                ? weighted.pick(between: ServerID(0), and: ServerID(1))
                : weighted.pick(between: ServerID(1), and: ServerID(0))
            if server == ServerID(0) { light += 1 }
            weighted.release(server)
        }
        #expect((2_300...2_700).contains(light), "weight 1 won \(light) of 10,000 ties against weight 3")
    }

    @Test("the first candidate is drawn in proportion to weight, the second uniformly among the others")
    func weightedCandidates() throws {
        let weights = [1, 0, 3, 1, 0, 0, 2, 1, 1, 0]
        var policy = try P2CPolicy(weights: weights, seed: 23)
        var drawn = Array(repeating: 0, count: weights.count)
        let rounds = 30_000
        for _ in 0..<rounds {
            let candidates = policy.drawCandidates()
            let (first, second) = try #require(candidates)
            drawn[first.index] += 1
            drawn[try #require(second).index] += 1
        }
        // Total weight 9 over 6 eligible servers: server i is first with probability wᵢ / 9 and
        // second with (9 − wᵢ) / 9 / 5, so weight 1 is in 8,667 pairs, 2 in 11,333, 3 in 14,000
        // (± 300, about 4 standard deviations; uniform pairs would put each in 10,000).
        for (server, count) in drawn.enumerated() {
            let weight = Double(weights[server])
            let expected = weight == 0 ? 0 : Double(rounds) * (weight / 9 + (9 - weight) / 9 / 5)
            #expect(abs(Double(count) - expected) < 300, "server \(server) drawn \(count) times, expected \(expected)")
        }
    }

    @Test("mostly drained: the first draw stays weighted")
    func weightedFallback() throws {
        // 2 of 200 servers eligible, weights 1 and 3: the alias table sends every first draw to
        // one of the two, weight 3 in 3/4 of the draws; the second draw's tries mostly run out,
        // so the reservoir pass finds the other.
        var weights = Array(repeating: 0, count: 200)
        weights[17] = 1
        weights[150] = 3
        var policy = try P2CPolicy(weights: weights, seed: 29)
        var heavyFirst = 0
        for _ in 0..<20_000 {
            let drawn = policy.drawCandidates()
            let (first, second) = try #require(drawn)
            let other = try #require(second)
            #expect(Set([first.index, other.index]) == [17, 150])
            if first.index == 150 { heavyFirst += 1 }
        }
        #expect(abs(heavyFirst - 15_000) < 300, "weight 3 first in \(heavyFirst) of 20,000 draws")
    }

    @Test("the selector, called from one thread, makes the policy's choices for the same seed")
    func selectorMatchesPolicy() throws {
        for seed in UInt64(0)..<100 {
            var random = SplitMix64(seed: seed &+ 5_000)
            let weights = Self.weights(&random, serverCount: Int.random(in: 1...30, using: &random), drainedPercent: 30)
            var policy = try P2CPolicy(weights: weights, seed: seed)
            let selector = try SelectorKind.p2c.makeSelector(weights: weights, seed: seed)
            var held: [ServerID] = []
            for step in 0..<300 {
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 60 || held.isEmpty && roll < 95 {
                    let expected = policy.pick()
                    try #require(selector.pick() == expected, "seed \(seed) step \(step)")
                    if let expected { held.append(expected) }
                } else if roll < 95 {
                    let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                    policy.release(server)
                    selector.release(server)
                } else {
                    let server = ServerID(Int.random(in: 0..<weights.count, using: &random))
                    let weight = Int.random(in: 0...3, using: &random)
                    try policy.setWeight(weight, for: server)
                    try selector.setWeight(weight, for: server)
                }
            }
            #expect(selector.activeConnections() == policy.activeConnections())
        }
    }
}
