import LBRandom
import LoadBalancing
import Testing

/// Every exact selector, driven single-threaded, must make the very choices of
/// `ReferenceLeastConnections`: the same server on every pick (ties included), the same
/// counts after every step. Tests with a lock argument split their seeds between the locks
/// (`LockKind.share(of:)`): each seed runs once per exact selector, under one lock.
/// `LBBENCH_DIFFERENTIAL_SEEDS` multiplies the seed counts (`DifferentialSeeds`).
@Suite("Exact selectors match the reference model")
struct ExactSelectorDifferentialTests {
    static let exactKinds = SelectorKind.allCases.filter(\.isExact)

    @Test("random pick/release/setWeight sequences", arguments: exactKinds, LockKind.allCases)
    func randomSequences(kind: SelectorKind, lock: LockKind) throws {
        for seed in lock.share(of: DifferentialSeeds.seeds(usually: 2_000)) {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 1...12, using: &random)
            let maxWeight = [1, 3, 10, 1_000][Int.random(in: 0..<4, using: &random)]
            var weights = (0..<serverCount).map { _ in Int.random(in: 0...maxWeight, using: &random) }
            weights[Int.random(in: 0..<serverCount, using: &random)] = Int.random(in: 1...maxWeight, using: &random)

            var reference = try ReferenceLeastConnections(weights: weights)
            let selector = try kind.makeSelector(weights: weights, lock: lock, seed: seed)
            var held: [ServerID] = []
            for step in 0..<300 {
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 55 || held.isEmpty && roll < 95 {
                    let expected = reference.pick()
                    let actual = selector.pick()
                    try #require(actual == expected, "seed \(seed) step \(step): picked \(String(describing: actual)), reference \(String(describing: expected)), weights \(reference.weights()), active \(reference.activeConnections())")
                    if let actual { held.append(actual) }
                } else if roll < 95 {
                    let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                    reference.release(server)
                    selector.release(server)
                } else {
                    let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    let weight = Int.random(in: 0...maxWeight, using: &random)
                    try reference.setWeight(weight, for: server)
                    try selector.setWeight(weight, for: server)
                }
                try #require(selector.activeConnections() == reference.activeConnections(), "seed \(seed) step \(step)")
            }
            try #require(selector.weights() == reference.weights())
            for server in held { selector.release(server) }
            #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        }
    }

    @Test("the locks' shares of a test's seeds take every seed exactly once")
    func lockShares() {
        for range in [UInt64(0)..<2_000, 7..<8, 5..<5, 3..<14] {
            let shares = LockKind.allCases.map { Array($0.share(of: range)) }
            #expect(shares.flatMap { $0 }.sorted() == Array(range), "\(range)")
            #expect(shares.allSatisfy { $0.count >= range.count / LockKind.allCases.count })
        }
        #expect(Array(LockKind.allCases[1].share(of: 0..<7)) == [1, 4])
    }

    /// One weight class turning into several and back: `linear-scan` and `min-heap` compare
    /// (count, stamp) alone within a weight class and the full rule only between classes, so
    /// every step that adds or removes the last server of a second weight creates or empties
    /// a class segment or class heap, and the next picks must still match.
    @Test("one weight class and several, in turn", arguments: exactKinds)
    func oneClassAndSeveral(kind: SelectorKind) throws {
        for seed in DifferentialSeeds.seeds(usually: 300) {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 2...9, using: &random)
            var reference = try ReferenceLeastConnections(weights: Array(repeating: 2, count: serverCount))
            let selector = try kind.makeSelector(weights: Array(repeating: 2, count: serverCount), seed: seed)
            var held: [ServerID] = []
            for step in 0..<300 {
                if step % 25 == 0 {
                    // Alternately one server to weight 1, 3 or 0 and every server back to 2.
                    let odd = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    for index in 0..<serverCount {
                        let server = ServerID(index)
                        let weight = step % 50 == 0 && server == odd ? [0, 1, 3].randomElement(using: &random)! : 2
                        try reference.setWeight(weight, for: server)
                        try selector.setWeight(weight, for: server)
                    }
                }
                let release = held.count >= 2 || (!held.isEmpty && Bool.random(using: &random))
                try releaseThenPick(&reference, selector, held: &held, release: release, random: &random, seed: seed, step: step)
            }
            releaseAll(&reference, selector, held: held)
        }
    }

    /// Light load with different weights: few connections open, so most picks are ties between
    /// servers of different weights, decided by virtual time; weight changes and drains mixed in.
    @Test("ties across different weights at light load", arguments: exactKinds, LockKind.allCases)
    func tiesAcrossWeights(kind: SelectorKind, lock: LockKind) throws {
        for seed in lock.share(of: DifferentialSeeds.seeds(usually: 1_000)) {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 2...10, using: &random)
            let weights = (0..<serverCount).map { _ in Int.random(in: 1...4, using: &random) }
            let inFlight = Int.random(in: 1...serverCount, using: &random)
            var reference = try ReferenceLeastConnections(weights: weights)
            let selector = try kind.makeSelector(weights: weights, lock: lock, seed: seed)
            var held: [ServerID] = []
            for step in 0..<200 {
                if Int.random(in: 0..<50, using: &random) == 0 {
                    let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    let weight = Int.random(in: 0...4, using: &random)
                    try reference.setWeight(weight, for: server)
                    try selector.setWeight(weight, for: server)
                }
                try releaseThenPick(
                    &reference, selector, held: &held, release: held.count >= inFlight, random: &random, seed: seed, step: step)
            }
            releaseAll(&reference, selector, held: held)
        }
    }

    /// Runs as long as a real-socket run's (`lbbench-live`'s default farm, weights 2,1,1,1, about
    /// 13,000 requests in its window): the other tests' sequences are a few hundred steps, and
    /// class rounds, units and stamps grow with every step, so a divergence that needs them large
    /// would pass there. Connections in flight wander between 0 and a cap, as a proxy's do.
    @Test("long runs at lbbench-live's default weights", arguments: exactKinds)
    func longRuns(kind: SelectorKind) throws {
        for (seed, weights) in [(UInt64(1), [2, 1, 1, 1]), (2, [2, 1, 1, 1]), (3, [1, 2, 3, 4])] {
            var random = SplitMix64(seed: seed)
            let cap = Int.random(in: 4...24, using: &random)
            var reference = try ReferenceLeastConnections(weights: weights)
            let selector = try kind.makeSelector(weights: weights, seed: seed)
            var held: [ServerID] = []
            for step in 0..<60_000 {
                if !held.isEmpty && (held.count >= cap || Bool.random(using: &random)) {
                    let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                    reference.release(server)
                    selector.release(server)
                } else {
                    let expected = reference.pick()
                    try #require(selector.pick() == expected, "seed \(seed) step \(step), active \(reference.activeConnections())")
                    if let expected { held.append(expected) }
                }
            }
            releaseAll(&reference, selector, held: held)
        }
    }

    /// One step of a light-load run: with `release`, one connection of `held`, chosen at random,
    /// is released on both; then both pick, must pick the same server, and it joins `held`.
    private func releaseThenPick(
        _ reference: inout ReferenceLeastConnections, _ selector: any ServerSelector, held: inout [ServerID],
        release: Bool, random: inout SplitMix64, seed: UInt64, step: Int
    ) throws {
        if release {
            let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
            reference.release(server)
            selector.release(server)
        }
        let expected = reference.pick()
        let actual = selector.pick()
        try #require(actual == expected, "seed \(seed) step \(step): picked \(String(describing: actual)), reference \(String(describing: expected)), weights \(reference.weights()), active \(reference.activeConnections())")
        if let actual { held.append(actual) }
    }

    /// Releases every connection in `held` on both; the selector's counts must drain to zero.
    private func releaseAll(_ reference: inout ReferenceLeastConnections, _ selector: any ServerSelector, held: [ServerID]) {
        for server in held {
            reference.release(server)
            selector.release(server)
        }
        #expect(selector.activeConnections().allSatisfy { $0 == 0 })
    }

    /// Every sequence of up to `depth` picks and releases, on every weight vector in
    /// {0,1,2}^n (n ≤ 3, not all 0).
    @Test("exhaustive small sequences", arguments: exactKinds)
    func exhaustive(kind: SelectorKind) throws {
        for serverCount in 1...3 {
            for code in 0..<Int(pow3(serverCount)) {
                let weights = (0..<serverCount).map { code / pow3($0) % 3 }
                guard weights.contains(where: { $0 > 0 }) else { continue }
                try explore(kind: kind, weights: weights, prefix: [], depth: 6)
            }
        }
    }

    private func pow3(_ exponent: Int) -> Int { (0..<exponent).reduce(1) { product, _ in product * 3 } }

    /// An operation: `nil` is a pick; a server is a release of that server.
    private func explore(kind: SelectorKind, weights: [Int], prefix: [ServerID?], depth: Int) throws {
        var reference = try ReferenceLeastConnections(weights: weights)
        let selector = try kind.makeSelector(weights: weights)
        for operation in prefix {
            if let server = operation {
                reference.release(server)
                selector.release(server)
            } else {
                try #require(selector.pick() == reference.pick(), "weights \(weights) after \(prefix)")
            }
        }
        try #require(selector.activeConnections() == reference.activeConnections())
        guard depth > 0 else { return }
        try explore(kind: kind, weights: weights, prefix: prefix + [nil], depth: depth - 1)
        for (index, count) in reference.activeConnections().enumerated() where count > 0 {
            try explore(kind: kind, weights: weights, prefix: prefix + [ServerID(index)], depth: depth - 1)
        }
    }
}
