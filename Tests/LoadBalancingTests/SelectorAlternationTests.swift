import LBRandom
@testable import LoadBalancing
import Testing

/// One thread, several selectors: a proxy's event loop serving several upstream pools calls
/// them in turn. Each selector must behave on that thread as it does alone (`ThreadSlots`
/// keeps the thread's slot in each of the last `rememberedSelectors` selectors it called).
@Suite("One thread alternating between selectors")
struct SelectorAlternationTests {
    /// Every kind with its default lock, and the kinds behind flat combining (whose request
    /// words are per thread slot too).
    static let cases: [(SelectorKind, LockKind)] =
        SelectorKind.allCases.map { ($0, .default) } + SelectorKind.allCases.filter(\.usesLock).map { ($0, .combining) }

    /// One step of a single-threaded script: a pick, a release of the `held`-th connection
    /// still held (modulo their number), or a weight change.
    enum Step {
        case pick
        case release(held: Int)
        case setWeight(Int, server: Int)
    }

    /// A random script over `serverCount` servers: mostly picks and releases, a few weight
    /// changes (0 drains a server), always at least one server left positive by the caller.
    static func script(seed: UInt64, serverCount: Int, steps: Int) -> [Step] {
        var random = SplitMix64(seed: seed)
        return (0..<steps).map { _ in
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 55 { return .pick }
            if roll < 95 { return .release(held: Int.random(in: 0..<1_000, using: &random)) }
            // Server 0 keeps a positive weight, so a pick never finds every server drained.
            let server = Int.random(in: 0..<serverCount, using: &random)
            return .setWeight(server == 0 ? Int.random(in: 1...4, using: &random) : Int.random(in: 0...4, using: &random), server: server)
        }
    }

    /// What one selector does on one step: the server picked, or `nil` for other steps.
    static func apply(_ step: Step, to selector: any ServerSelector, held: inout [ServerID]) throws -> Int? {
        switch step {
        case .pick:
            let picked = try #require(selector.pick())
            held.append(picked)
            return picked.index
        case let .release(index):
            if !held.isEmpty { selector.release(held.remove(at: index % held.count)) }
            return nil
        case let .setWeight(weight, server):
            try selector.setWeight(weight, for: ServerID(server))
            return nil
        }
    }

    @Test("each selector called in turn with others makes the choices it makes alone", arguments: cases)
    func alternatingMatchesAlone(kind: SelectorKind, lock: LockKind) throws {
        let selectorCount = ThreadSlots.rememberedSelectors
        for seed in UInt64(0)..<20 {
            let weights = [1, 2, 3, 4, 1, 1, 2, 5]
            let steps = Self.script(seed: seed, serverCount: weights.count, steps: 400)
            let alone = try kind.makeSelector(weights: weights, lock: lock, seed: seed)
            var aloneHeld: [ServerID] = []
            let expected = try steps.map { try Self.apply($0, to: alone, held: &aloneHeld) }

            let selectors = try (0..<selectorCount).map { _ in try kind.makeSelector(weights: weights, lock: lock, seed: seed) }
            var held = Array(repeating: [ServerID](), count: selectorCount)
            var picks = Array(repeating: [Int?](), count: selectorCount)
            for step in steps {
                for index in selectors.indices {
                    picks[index].append(try Self.apply(step, to: selectors[index], held: &held[index]))
                }
            }
            for index in selectors.indices {
                let first = expected.indices.first { picks[index][$0] != expected[$0] }
                #expect(first == nil, "\(kind) (\(lock)), seed \(seed), selector \(index): first differs at step \(first ?? -1)")
                for server in held[index] { selectors[index].release(server) }
                #expect(selectors[index].activeConnections().allSatisfy { $0 == 0 })
            }
        }
    }

    @Test("round-robin, 8 equal servers, one connection in flight: each of two alternated selectors rotates exactly")
    func roundRobinRotation() throws {
        let first = try SelectorKind.roundRobin.makeSelector(weights: Array(repeating: 1, count: 8))
        let second = try SelectorKind.roundRobin.makeSelector(weights: Array(repeating: 1, count: 8))
        var orders: [[Int]] = [[], []]
        for _ in 0..<32 {
            for (index, selector) in [first, second].enumerated() {
                orders[index].append(try #require(selector.withConnection { $0.index }))
            }
        }
        let rotation = Array(repeating: Array(0..<8), count: 4).flatMap { $0 }
        #expect(orders[0] == rotation && orders[1] == rotation, "\(orders)")
    }

    @Test("a thread keeps its slot in each of the last rememberedSelectors selectors; one more pushes out the least recent")
    func rememberedBound() {
        let remembered = ThreadSlots.rememberedSelectors
        let slots = (0...remembered).map { _ in ThreadSlotsTests.Shared(count: 4) }
        // Each new selector's first claim is its slot 0.
        for round in 0..<3 {
            for shared in slots.prefix(remembered) {
                #expect(shared.slots.current() == 0, "round \(round)")
            }
        }
        // Cycling through one more than are remembered: every return claims again.
        #expect(slots[remembered].slots.current() == 0)
        #expect(slots[0].slots.current() == 1, "the least recent was forgotten and claims its next slot")
    }
}
