import Foundation
import LBRandom
import LoadBalancing
import Synchronization
import Testing

/// Several real threads pick and release while another drains servers one by one, waits for
/// each to go idle, and undrains it; checks the drain contract of every selector under
/// concurrency.
@Suite("Drain and undrain while threads pick")
struct DrainUnderLoadTests {
    static let weights = [3, 1, 2, 1, 4, 1]
    static let rounds = 60
    /// Picks the pickers make in each window of a round, so every window sees real traffic.
    static let picksPerWindow = 300

    /// The server drained in `round`: never server 0, so some server is always eligible.
    static func drained(inRound round: Int) -> Int { 1 + round % (weights.count - 1) }

    /// What the controller publishes to the pickers.
    final class Board: Sendable {
        /// `2·round + 1` from the return of `setWeight(0)` until the undrain starts, else even.
        let phase = Atomic<Int>(0)
        /// `round + 1` from the moment the drained server was seen with 0 connections until
        /// the undrain starts, else 0.
        let idle = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let picks = Atomic<Int>(0)
        let startedAfterDrain = Atomic<Int>(0)
        let afterIdle = Atomic<Int>(0)
        let nils = Atomic<Int>(0)
        /// `handOver`: hand-overs completed, and picks during which at least one completed
        /// (the race the test is about, seen to happen).
        let handOvers = Atomic<Int>(0)
        let spanningPicks = Atomic<Int>(0)

        /// Waits until the pickers have made `count` more picks, yielding the processor (a
        /// yield can cost a whole time slice) or, for short waits, spinning.
        func waitForPicks(_ count: Int = DrainUnderLoadTests.picksPerWindow, spinning: Bool = false) {
            let target = picks.load(ordering: .relaxed) + count
            while picks.load(ordering: .relaxed) < target {
                if !spinning { sched_yield() }
            }
        }
    }

    @Test("drained servers get no picks, a drain can be waited for, nil never while one is eligible, counts end at 0",
          arguments: SelectorKind.allCases)
    func drainUndrain(kind: SelectorKind) throws {
        let selector = try kind.makeSelector(weights: Self.weights, seed: 42)
        let board = Board()
        runConcurrently(threads: 4) { worker in
            if worker == 0 {
                for round in 0..<Self.rounds {
                    let server = Self.drained(inRound: round)
                    try! selector.setWeight(0, for: ServerID(server))
                    board.phase.store(2 * round + 1, ordering: .sequentiallyConsistent)
                    board.waitForPicks()
                    while selector.activeConnections()[server] != 0 { sched_yield() }
                    board.idle.store(round + 1, ordering: .sequentiallyConsistent)
                    board.waitForPicks()
                    board.idle.store(0, ordering: .sequentiallyConsistent)
                    board.phase.store(2 * round + 2, ordering: .sequentiallyConsistent)
                    try! selector.setWeight(Self.weights[server] + round % 2, for: ServerID(server))
                    board.waitForPicks()
                }
                for (server, weight) in Self.weights.enumerated() { try! selector.setWeight(weight, for: ServerID(server)) }
                board.finished.store(true, ordering: .sequentiallyConsistent)
                return
            }
            var held: [ServerID] = []
            var random = SplitMix64(seed: UInt64(worker))
            while !board.finished.load(ordering: .sequentiallyConsistent) {
                let before = board.phase.load(ordering: .sequentiallyConsistent)
                let picked = selector.pick()
                let after = board.phase.load(ordering: .sequentiallyConsistent)
                let idle = board.idle.load(ordering: .sequentiallyConsistent)
                // Pickers never block in lock-free selectors; yielding now and then lets the
                // controller (which waits by yielding) run on a machine with few cores.
                if board.picks.add(1, ordering: .relaxed).newValue % 64 == 0 { sched_yield() }
                guard let picked else {
                    board.nils.add(1, ordering: .relaxed)
                    continue
                }
                // The whole pick ran while the server was drained.
                if before == after && before % 2 == 1 && picked.index == Self.drained(inRound: before / 2) {
                    board.startedAfterDrain.add(1, ordering: .relaxed)
                }
                // The drained server was seen idle, and this still-held connection was not counted.
                if idle > 0 && picked.index == Self.drained(inRound: idle - 1) {
                    board.afterIdle.add(1, ordering: .relaxed)
                }
                held.append(picked)
                if held.count > 8 || Int.random(in: 0..<3, using: &random) == 0 {
                    selector.release(held.remove(at: Int.random(in: 0..<held.count, using: &random)))
                }
            }
            for server in held { selector.release(server) }
        }
        #expect(board.startedAfterDrain.load(ordering: .relaxed) == 0, "picks that started after a drain got the drained server")
        #expect(board.afterIdle.load(ordering: .relaxed) == 0, "a drained server got a connection after it was seen idle")
        #expect(board.nils.load(ordering: .relaxed) == 0, "pick returned nil while server 0 was eligible")
        #expect(selector.activeConnections() == Array(repeating: 0, count: Self.weights.count))
        #expect(selector.weights() == Self.weights)
    }

    /// The selectors whose pick can overlap a weight change. Behind one lock (`usesLock`) a
    /// pick never does, so no hand-over can race it (their drain contract under concurrency is
    /// `drainUndrain`'s); run here, they only measured how long two pickers passing a barging
    /// lock between them keep the controller waiting for it.
    static let unlockedKinds = SelectorKind.allCases.filter { !$0.usesLock }

    @Test("a pick racing the drain of one server and the undrain of another never returns nil",
          arguments: unlockedKinds)
    func handOver(kind: SelectorKind) throws {
        // Servers 1 and 254 of 256 take turns being the only eligible one. Each hand-over
        // undrains the next server before draining the current one, so some server is
        // eligible at every moment; but a scan (or p2c's fallback pass) reads them far apart
        // and can see each while it is drained.
        let serverCount = 256
        let pair = (1, serverCount - 2)
        var weights = Array(repeating: 0, count: serverCount)
        weights[pair.0] = 1
        let selector = try kind.makeSelector(weights: weights, seed: 8)
        let board = Board()
        runConcurrently(threads: 3) { worker in
            if worker == 0 {
                for round in 0..<1_000 {
                    let (current, next) = round % 2 == 0 ? pair : (pair.1, pair.0)
                    try! selector.setWeight(1, for: ServerID(next))
                    try! selector.setWeight(0, for: ServerID(current))
                    board.handOvers.add(1, ordering: .sequentiallyConsistent)
                    // Let the pickers be mid-scan when the next hand-over comes.
                    board.waitForPicks(4, spinning: true)
                }
                board.finished.store(true, ordering: .sequentiallyConsistent)
                return
            }
            while !board.finished.load(ordering: .sequentiallyConsistent) {
                board.picks.add(1, ordering: .relaxed)
                let handOversBefore = board.handOvers.load(ordering: .sequentiallyConsistent)
                let picked = selector.pick()
                if board.handOvers.load(ordering: .sequentiallyConsistent) != handOversBefore {
                    board.spanningPicks.add(1, ordering: .relaxed)
                }
                if let server = picked {
                    if server.index != pair.0 && server.index != pair.1 { board.startedAfterDrain.add(1, ordering: .relaxed) }
                    selector.release(server)
                } else {
                    board.nils.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(board.nils.load(ordering: .relaxed) == 0, "pick returned nil while a server was eligible")
        #expect(board.spanningPicks.load(ordering: .relaxed) > 0, "no pick overlapped a hand-over: the race did not happen")
        #expect(board.startedAfterDrain.load(ordering: .relaxed) == 0, "a server drained throughout was picked")
        #expect(selector.activeConnections() == Array(repeating: 0, count: serverCount))
    }
}
