import LBRandom
import LoadBalancing
import Synchronization
import Testing

/// Each selector hammered by several real threads; afterwards every count is exactly 0 and
/// the number of picks matches. Run under `swift test --sanitize=thread` as well.
@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    static let threads = 4
    static let picksPerThread = 20_000

    /// Every selector once, and the lock-based ones once per lock (`nil`: the kind takes no
    /// `LockKind`), so that no case is a pass that tested nothing.
    static let selectorsAndLocks: [(SelectorKind, LockKind?)] = SelectorKind.allCases.flatMap { kind in
        kind.usesLock ? LockKind.allCases.map { (kind, $0) } : [(kind, nil)]
    }

    @Test("every pick released: counts drain to 0", arguments: selectorsAndLocks)
    func drainsToZero(kind: SelectorKind, lock: LockKind?) throws {
        let weights = [1, 2, 3, 0, 5, 1, 1, 4]
        let selector = try kind.makeSelector(weights: weights, lock: lock ?? .default, seed: 11)
        let perServer = PerServerTally(serverCount: weights.count, threads: Self.threads)
        runConcurrently(threads: Self.threads) { worker in
            var held: [ServerID] = []
            var random = SplitMix64(seed: UInt64(worker))
            for step in 0..<Self.picksPerThread {
                guard let server = selector.pick() else { fatalError("no server picked") }
                perServer.count(server, worker: worker)
                held.append(server)
                // Hold up to 16 connections per thread, released in random order.
                if held.count > 16 || step % 7 == 0 {
                    selector.release(held.remove(at: Int.random(in: 0..<held.count, using: &random)))
                }
            }
            for server in held { selector.release(server) }
        }
        let picks = perServer.totals()
        #expect(picks.reduce(0, +) == Self.threads * Self.picksPerThread)
        #expect(picks[3] == 0, "drained server 3 was picked")
        #expect(selector.activeConnections() == Array(repeating: 0, count: weights.count))
    }

    @Test("weights change while threads pick", arguments: SelectorKind.allCases)
    func setWeightUnderLoad(kind: SelectorKind) throws {
        let selector = try kind.makeSelector(weights: Array(repeating: 1, count: 16), seed: 5)
        // Server s only ever gets weight s % 4, so three in four stay eligible throughout and
        // no pick may return nil.
        let served = ServedPicks()
        runConcurrently(threads: 3) { worker in
            if worker == 0 {
                for round in 0..<2_000 {
                    try! selector.setWeight(round % 4, for: ServerID(round % 16))
                }
                for server in 0..<16 { try! selector.setWeight(1, for: ServerID(server)) }
            } else {
                for _ in 0..<20_000 {
                    if let server = selector.pick() {
                        selector.release(server)
                        served.count.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(served.count.load(ordering: .relaxed) == 2 * 20_000, "a pick returned nil while servers were eligible")
        #expect(selector.activeConnections() == Array(repeating: 0, count: 16))
        #expect(selector.weights() == Array(repeating: 1, count: 16))
    }
}

/// Picks that returned a server, counted by every worker.
final class ServedPicks: Sendable {
    let count = Atomic<Int>(0)
}

/// Per-thread pick tallies: worker `w` writes only row `w` of one flat buffer, and rows are
/// read after every worker has been joined.
final class PerServerTally: @unchecked Sendable {
    private let counts: UnsafeMutableBufferPointer<Int>
    private let serverCount: Int

    init(serverCount: Int, threads: Int) {
        self.serverCount = serverCount
        counts = .allocate(capacity: serverCount * threads)
        counts.initialize(repeating: 0)
    }

    deinit { counts.deallocate() }

    func count(_ server: ServerID, worker: Int) {
        counts[worker * serverCount + server.index] += 1
    }

    func totals() -> [Int] {
        (0..<serverCount).map { server in
            stride(from: server, to: counts.count, by: serverCount).reduce(0) { $0 + counts[$1] }
        }
    }
}
