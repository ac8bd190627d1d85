import LBRandom
import LoadBalancing
import Testing

/// `assign(_:)` counts a connection on a server the caller chose. Every kind can assign,
/// behind every lock; every kind's counts stay exact when assignments are mixed into its picks
/// and releases, and the exact kinds keep matching the reference model choice for choice; an
/// assignment moves the server behind its equals as a pick does; an unknown server traps.
@Suite("Assigning connections to a chosen server")
struct AssignTests {
    /// The exact kinds (every selector can assign: `assign(_:)` is part of `ServerSelector`).
    static let assignableExactKinds = SelectorKind.allCases.filter(\.isExact)

    @Test("every selector kind's assign counts one connection, with every lock", arguments: SelectorKind.allCases, LockKind.allCases)
    func everyKindIsAssignable(kind: SelectorKind, lock: LockKind) throws {
        let selector = try kind.makeSelector(weights: [1, 1], lock: lock)
        selector.assign(ServerID(1))
        #expect(selector.activeConnections() == [0, 1])
        selector.release(ServerID(1))
        #expect(selector.activeConnections() == [0, 0])
    }

    @Test("assignments keep every kind's counts exact and drain to zero", arguments: SelectorKind.allCases)
    func countsStayExact(kind: SelectorKind) throws {
        for seed in UInt64(0)..<200 {
            var random = SplitMix64(seed: seed)
            let weights = (0..<Int.random(in: 1...8, using: &random)).map { _ in Int.random(in: 1...3, using: &random) }
            let selector = try kind.makeSelector(weights: weights, seed: seed)
            var expected = Array(repeating: 0, count: weights.count)
            var held: [ServerID] = []
            for _ in 0..<300 {
                switch Int.random(in: 0..<3, using: &random) {
                case 0:
                    let server = try #require(selector.pick())
                    held.append(server)
                    expected[server.index] += 1
                case 1:
                    let server = ServerID(Int.random(in: 0..<weights.count, using: &random))
                    selector.assign(server)
                    held.append(server)
                    expected[server.index] += 1
                default:
                    guard !held.isEmpty else { continue }
                    let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                    selector.release(server)
                    expected[server.index] -= 1
                }
                try #require(selector.activeConnections() == expected, "\(kind) seed \(seed)")
            }
            for server in held { selector.release(server) }
            #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        }
    }

    @Test("random pick/release/assign sequences match the reference", arguments: assignableExactKinds, LockKind.allCases)
    func differential(kind: SelectorKind, lock: LockKind) throws {
        // Each seed once per kind, under one of the locks (`LockKind.share(of:)`).
        for seed in lock.share(of: DifferentialSeeds.seeds(usually: 1_000)) {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 1...10, using: &random)
            var weights = (0..<serverCount).map { _ in Int.random(in: 0...4, using: &random) }
            weights[Int.random(in: 0..<serverCount, using: &random)] = Int.random(in: 1...4, using: &random)

            var reference = try ReferenceLeastConnections(weights: weights)
            let selector = try kind.makeSelector(weights: weights, lock: lock, seed: seed)
            var held: [ServerID] = []
            for step in 0..<200 {
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 5 {
                    let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    let weight = Int.random(in: 0...4, using: &random)
                    try reference.setWeight(weight, for: server)
                    try selector.setWeight(weight, for: server)
                } else if roll < 40 {
                    let expected = reference.pick()
                    let actual = selector.pick()
                    try #require(actual == expected, "seed \(seed) step \(step): weights \(weights)")
                    if let actual { held.append(actual) }
                } else if roll < 70 {
                    // Drained servers too: a view refresh must be able to count their connections.
                    let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    reference.assign(server)
                    selector.assign(server)
                    held.append(server)
                } else if !held.isEmpty {
                    let server = held.remove(at: Int.random(in: 0..<held.count, using: &random))
                    reference.release(server)
                    selector.release(server)
                }
                try #require(selector.activeConnections() == reference.activeConnections(), "seed \(seed) step \(step)")
            }
            for server in held { selector.release(server) }
            #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        }
    }

    @Test("an assigned server goes behind its equals, as after a pick")
    func assignTouchesTheStamp() throws {
        var policy = try LinearScanPolicy(weights: [1, 1, 1])
        policy.assign(ServerID(0))
        policy.release(ServerID(0))
        // All counts are 0 again; server 0 changed last, so 1 and 2 come first.
        #expect(policy.pick() == ServerID(1))
        #expect(policy.pick() == ServerID(2))
        #expect(policy.pick() == ServerID(0))
    }

    @Test("assigning an unknown server stops the process")
    func unknownAssign() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let selector = try! SelectorKind.linearScan.makeSelector(weights: [1, 1])
            selector.assign(ServerID(2))
        }
        expectStopped(result, saying: "assign(server 2) but servers are numbered 0..<2")
    }
}
