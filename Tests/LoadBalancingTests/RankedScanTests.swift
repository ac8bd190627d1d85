@testable import LoadBalancing
import LBRandom
import Testing

/// `RankedScan`'s ranks against the whole rule as the segments compare it
/// (`VirtualTime.serverPrecedes`), on states no run of picks reaches: virtual times up to
/// 2^63 units, so that the scaled units' top 16 bits (in `high`) decide, and connection counts
/// up to 2^32 - 1.
@Suite("ranked scan")
struct RankedScanTests {
    @Test("the least rank is the server the whole rule picks, at any virtual time and count")
    func leastRankIsTheRulesPick() {
        var random = SplitMix64(seed: 91)
        let farms: [[Int]] = [[1, 2, 3, 4], [255, 256], [7, 1, 0, 3], [60, 1, 2, 5, 0, 12]]
        for weights in farms {
            let classes = WeightClassClocks(weights: weights)
            guard let scales = RankedScan.scales(for: classes, serverCount: weights.count) else {
                Issue.record("\(weights) should keep ranks")
                continue
            }
            for trial in 0..<2_000 {
                // Few distinct values, so that scores and virtual times often tie across weights.
                let units: [UInt64] = [0, 1 << 40, 1 << 62, (1 << 63) - 1, UInt64.max / 300]
                let counts: [UInt32] = [0, 1, 2, UInt32.max - 1]
                let stamps = Array(UInt64(0)..<UInt64(weights.count)).shuffled(using: &random)
                let states = weights.indices.map { server in
                    RankedScan.ServerState(
                        active: counts.randomElement(using: &random)!, stamp: stamps[server],
                        units: units.randomElement(using: &random)!)
                }
                let scan = RankedScan(states, classes: classes, scales: scales)
                var expected: Int?
                for server in weights.indices where weights[server] > 0 {
                    guard let best = expected else { expected = server; continue }
                    let (a, b) = (states[server], states[best])
                    if VirtualTime.serverPrecedes(
                        a.active, UInt32(weights[server]), a.units, a.stamp,
                        b.active, UInt32(weights[best]), b.units, b.stamp) {
                        expected = server
                    }
                }
                let least = scan.ranks.withUnsafeBufferPointer { RankedScan.least($0) }
                #expect(least == expected, "weights \(weights), trial \(trial)")
                #expect(scan.states().map(\.units) == weights.indices.map { weights[$0] > 0 ? states[$0].units : 0 },
                        "the units come back out of the ranks")
            }
        }
    }
}
