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

}
