import LoadBalancing
import Testing

@Suite("Score and ties")
struct ScoreAndTieTests {
    @Test("the seed's example: A (weight 4, 8 active) scores 2, B (weight 1, 3 active) scores 3")
    func seedExample() throws {
        #expect(Score(active: 8, weight: 4) < Score(active: 3, weight: 1))
        #expect(!(Score(active: 3, weight: 1) < Score(active: 8, weight: 4)))
        // Through every exact selector: pick 40, release down to A 8 and B 3; the next pick is A.
        for kind in SelectorKind.allCases where kind.isExact {
            let selector = try kind.makeSelector(weights: [4, 1])
            let held = (0..<40).compactMap { _ in selector.pick() }
            var surplus = selector.activeConnections()
            surplus[0] -= 8
            surplus[1] -= 3
            try #require(surplus.allSatisfy { $0 >= 0 })
            for server in held where surplus[server.index] > 0 {
                selector.release(server)
                surplus[server.index] -= 1
            }
            try #require(selector.activeConnections() == [8, 3])
            #expect(selector.pick() == ServerID(0), "\(kind)")
        }
    }

    @Test("scores compare exactly at the largest values, where Double would not")
    func noOverflow() {
        let big = UInt32.max
        #expect(Score(active: big, weight: big) == Score(active: 1, weight: 1))
        #expect(Score(active: big - 1, weight: big) < Score(active: 1, weight: 1))
        #expect(!(Score(active: big, weight: big - 1) < Score(active: 1, weight: 1)))
        #expect(Score(active: 2, weight: 4) == Score(active: 1, weight: 2))
    }

    @Test("one connection at a time spreads picks evenly over equal servers", arguments: SelectorKind.allCases)
    func evenSpreadUnderLightLoad(kind: SelectorKind) throws {
        for serverCount in [2, 3, 5, 8] {
            let selector = try kind.makeSelector(weights: Array(repeating: 1, count: serverCount), seed: 7)
            var picks = Array(repeating: 0, count: serverCount)
            let rounds = 400
            for _ in 0..<(rounds * serverCount) {
                selector.withConnection { server in picks[server.index] += 1 }
            }
            if kind.category != .approximate {
                #expect(picks == Array(repeating: rounds, count: serverCount), "\(kind): \(picks)")
            } else {
                // Randomized tie-breaking: every server within 25% of its fair share.
                #expect(picks.allSatisfy { abs($0 - rounds) < rounds / 4 }, "\(kind): \(picks)")
            }
        }
    }

    /// Guards `VirtualTime.precedes`'s 64-bit fast path, which is exact only while both units
    /// are below 2³² (weights are below 2³², so each product fits in 64 bits). Units pass 2³²
    /// when a server of a large weight joins at the latest virtual time (`units(atWeight:)`
    /// scales a round by the weight). With a wider fast path (`>> 33`, or any wider) the
    /// product (2³² + 2) × (2³² − 1) wraps to 2³² − 2, and a time near 4.3 × 10⁹ would come
    /// before one near 1 (a mutant of the threshold survived the rest of the suite).
    @Test("virtual times with units beyond 2³² and weights near 2³² compare exactly, both ways")
    func virtualTimesBeyondTheFastPath() {
        let late = (units: (UInt64(1) << 32) + 2, weight: UInt32(1))  // 4,294,967,298
        let early = (units: UInt64(1) << 32, weight: UInt32.max)  // 1.000000000233
        #expect(!VirtualTime.precedes(late.units, late.weight, 0, early.units, early.weight, 1))
        #expect(VirtualTime.precedes(early.units, early.weight, 1, late.units, late.weight, 0))
        #expect(!VirtualTime.serverPrecedes(0, late.weight, late.units, 0, 0, early.weight, early.units, 1))
        #expect(VirtualTime.serverPrecedes(0, early.weight, early.units, 1, 0, late.weight, late.units, 0))
        // Equal times at the boundary: the stamp decides, whichever way round.
        let same = (units: UInt64(UInt32.max) * 2, weight: UInt32.max)  // 2
        let two = (units: UInt64(2), weight: UInt32(1))
        #expect(VirtualTime.precedes(same.units, same.weight, 0, two.units, two.weight, 1))
        #expect(!VirtualTime.precedes(same.units, same.weight, 1, two.units, two.weight, 0))
    }

    /// `ReferenceLeastConnections` is the definition every exact selector is checked against,
    /// and most tests use it only that way: a bug in it that the selectors shared would pass
    /// every differential test. These choices are worked out by hand from the rule in its
    /// documentation (score, then virtual time `units / weight`, then the oldest stamp; a
    /// class's round ends after one pick per member; a class left empty forgets its clock).
    /// They fail on mutants of its stamp order, of its score comparison and of a class's
    /// forgetting its clock, each of which the differential tests caught only through the
    /// selectors.
    @Test("the reference model's choices, worked out by hand from its documented rule")
    func referenceModelByHand() throws {
        /// `count` picks, each released before the next: the servers picked (`nil` for none).
        func oneAtATime(_ reference: inout ReferenceLeastConnections, _ count: Int) -> [Int?] {
            (0..<count).map { _ in
                guard let server = reference.pick() else { return nil }
                reference.release(server)
                return server.index
            }
        }
        // Equal weights, one connection at a time: the least recently changed server first.
        var equal = try ReferenceLeastConnections(weights: [1, 1, 1])
        #expect(oneAtATime(&equal, 6) == [0, 1, 2, 0, 1, 2])

        // Weights 2 and 1: server 0's virtual time grows by 1/2 a pick, server 1's by 1; equal
        // times go to the older stamp. After the start, two picks of server 0 per pick of 1.
        var weighted = try ReferenceLeastConnections(weights: [2, 1])
        #expect(oneAtATime(&weighted, 10) == [0, 1, 0, 1, 0, 0, 1, 0, 0, 1])

        // The score decides first: 8 / 4 = 2 is below 3 / 1; at 12 / 4 = 3 against 3 / 1 the
        // virtual times are equal too (12 / 4 and 3 / 1: assignments count in the clocks), and
        // server 1, changed longer ago, wins.
        var loaded = try ReferenceLeastConnections(weights: [4, 1])
        for _ in 0..<8 { loaded.assign(ServerID(0)) }
        for _ in 0..<3 { loaded.assign(ServerID(1)) }
        #expect((0..<5).map { _ in loaded.pick()?.index } == [0, 0, 0, 0, 1])

        // A class left empty forgets its clock. Server 1 (weight 2) runs ahead to virtual time
        // 5 while server 0 holds a connection at time 1; server 1 is drained, then rejoins
        // weight 2: its class starts afresh at the latest time of the classes that remain
        // (server 0's, 1), not at 5, so it takes its share of the ties at once.
        var rejoining = try ReferenceLeastConnections(weights: [1, 2])
        #expect(rejoining.pick() == ServerID(0))
        #expect(oneAtATime(&rejoining, 10) == [Int?](repeating: 1, count: 10))
        try rejoining.setWeight(0, for: ServerID(1))
        rejoining.release(ServerID(0))
        try rejoining.setWeight(2, for: ServerID(1))
        #expect(oneAtATime(&rejoining, 6) == [0, 1, 1, 0, 1, 1])
    }
}
