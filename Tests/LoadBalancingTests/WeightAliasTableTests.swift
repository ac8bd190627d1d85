import LBRandom
import Testing

@testable import LoadBalancing

@Suite("p2c's alias table: the weighted first draw")
struct WeightAliasTableTests {
    /// Each server's chance in a table, in units of 1 / (n × 2³²), counted over every column:
    /// column j gives its threshold to j and the rest of its 2³² coins to its alias.
    private static func chances(_ columns: [UInt64]) -> [UInt64] {
        var chances = Array(repeating: UInt64(0), count: columns.count)
        for (drawn, column) in columns.enumerated() {
            // Count coins exactly as `resolve` does: a coin c keeps `drawn` when c < threshold.
            let kept = UInt64(UInt32(truncatingIfNeeded: column))
            chances[drawn] += kept
            chances[Int(column >> 32)] += (UInt64(1) << 32) - kept
        }
        return chances
    }

    @Test("every server's chance is its weight's share, to within one coin per column; drained servers never")
    func exactShares() throws {
        for seed in UInt64(0)..<500 {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 1...300, using: &random)
            let spread = [1, 4, 100, 1 << 20, Int(UInt32.max)].randomElement(using: &random)!
            var weights = (0..<serverCount).map { _ in
                Int.random(in: 0..<100, using: &random) < 20 ? UInt32(0) : UInt32(Int.random(in: 1...spread, using: &random))
            }
            weights[Int.random(in: 0..<serverCount, using: &random)] = UInt32(Int.random(in: 1...spread, using: &random))
            let columns = WeightAliasTable.columns(weights)
            let chances = Self.chances(columns)
            let total = weights.reduce(0.0) { $0 + Double($1) }
            let coins = Double(serverCount) * 4_294_967_296
            for server in 0..<serverCount {
                if weights[server] == 0 {
                    #expect(chances[server] == 0, "seed \(seed): drained server \(server) drawn")
                    continue
                }
                let expected = coins * Double(weights[server]) / total
                #expect(abs(Double(chances[server]) - expected) <= Double(serverCount) + 1,
                        "seed \(seed) server \(server): \(chances[server]) coins, expected \(expected)")
            }
            #expect(chances.reduce(0, +) == UInt64(serverCount) << 32)
        }
    }

    @Test("equal weights make every column keep its own server: the draw is the uniform index")
    func equalWeightsAreUniform() {
        for serverCount in [1, 2, 7, 64, 1_000] {
            let columns = WeightAliasTable.columns(Array(repeating: 3, count: serverCount))
            for (drawn, column) in columns.enumerated() {
                for coin in [UInt32(0), 1 << 31, UInt32.max] {
                    #expect(WeightAliasTable.resolve(column, drawn: drawn, coin: coin) == drawn)
                }
            }
        }
    }

    @Test("resolve keeps the drawn server below the threshold and gives the alias from it on")
    func resolveSplitsAtThreshold() {
        // Weights 1 and 3 over 2 servers: server 0 brings mass 2 of a column of 4, so its
        // column keeps it for half the coins and sends the rest to server 1.
        let columns = WeightAliasTable.columns([1, 3])
        #expect(WeightAliasTable.resolve(columns[0], drawn: 0, coin: (1 << 31) - 1) == 0)
        #expect(WeightAliasTable.resolve(columns[0], drawn: 0, coin: 1 << 31) == 1)
        #expect(WeightAliasTable.resolve(columns[1], drawn: 1, coin: 0) == 1)
        #expect(WeightAliasTable.resolve(columns[1], drawn: 1, coin: UInt32.max) == 1)
    }

    @Test("the branch form for large tables resolves every draw as the select does, at the threshold and past it")
    func predictedFormMatches() {
        let weights = (0..<1_000).map { UInt32($0 % 4 + 1) }
        let columns = WeightAliasTable.columns(weights)
        var random = SplitMix64(seed: 7)
        var tookAlias = 0
        for _ in 0..<20_000 {
            let drawn = Int(random.next() % UInt64(columns.count))
            let coin = UInt32(truncatingIfNeeded: random.next())
            let selected = WeightAliasTable.resolve(columns[drawn], drawn: drawn, coin: coin)
            if selected != drawn { tookAlias += 1 }
            for size in [WeightAliasTable.predictedFromColumns - 1, WeightAliasTable.predictedFromColumns, 1 << 20] {
                #expect(WeightAliasTable.resolve(columns[drawn], drawn: drawn, coin: coin, columns: size) == selected)
            }
        }
        #expect(tookAlias > 2_000)  // both outcomes were exercised: about 30% take the alias
        // At the threshold itself, as `resolveSplitsAtThreshold` checks the select.
        let split = WeightAliasTable.columns([1, 3])
        let large = WeightAliasTable.predictedFromColumns
        #expect(WeightAliasTable.resolve(split[0], drawn: 0, coin: (1 << 31) - 1, columns: large) == 0)
        #expect(WeightAliasTable.resolve(split[0], drawn: 0, coin: 1 << 31, columns: large) == 1)
    }

    @Test("a column naming a drained server (a table older than the weights) falls back to the reservoir pass")
    func staleColumnFallsBack() throws {
        // The table of weights [1, 1, 1], read after server 1 was drained: draws that land on
        // column 1 name server 1, which now has weight 0.
        let stale = WeightAliasTable.columns([1, 1, 1])
        let weights: [UInt32] = [1, 0, 1]
        var random = SplitMix64(seed: 41)
        for _ in 0..<3_000 {
            let drawn = P2CDraw.weightedCandidates(
                serverCount: 3, uniform: false, using: &random, column: { stale[$0] }, weight: { weights[$0] })
            let (first, second) = try #require(drawn)
            #expect(Set([first, try #require(second)]) == [0, 2])
        }
    }
}
