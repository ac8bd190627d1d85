import Foundation
import LBRandom
@testable import LoadBalancing
import Testing

@Suite("Lock-free selectors: stated bounds")
struct LockFreeSelectorTests {
    static let scanningKinds: [SelectorKind] = [.atomicScan, .sharded]
    static let lockFreeKinds = SelectorKind.allCases.filter { !$0.usesLock }

    @Test("single-threaded, every pick has a minimal score", arguments: scanningKinds)
    func minimalScoreSingleThreaded(kind: SelectorKind) throws {
        for seed in UInt64(0)..<300 {
            var random = SplitMix64(seed: seed)
            let serverCount = Int.random(in: 1...12, using: &random)
            var weights = (0..<serverCount).map { _ in Int.random(in: 0...6, using: &random) }
            weights[Int.random(in: 0..<serverCount, using: &random)] = Int.random(in: 1...6, using: &random)
            let selector = try kind.makeSelector(weights: weights, seed: seed)
            var held: [ServerID] = []
            for step in 0..<300 {
                let roll = Int.random(in: 0..<100, using: &random)
                if roll < 60 || held.isEmpty && roll < 95 {
                    let active = selector.activeConnections()
                    let weights = selector.weights()
                    guard let picked = selector.pick() else {
                        try #require(weights.allSatisfy { $0 == 0 }, "seed \(seed) step \(step): nil with \(weights)")
                        continue
                    }
                    held.append(picked)
                    let minimal = weights.indices.filter { weights[$0] > 0 }.allSatisfy {
                        active[picked.index] * weights[$0] <= active[$0] * weights[picked.index]
                    }
                    try #require(weights[picked.index] > 0 && minimal, "seed \(seed) step \(step): \(picked), active \(active), weights \(weights)")
                } else if roll < 95 {
                    selector.release(held.remove(at: Int.random(in: 0..<held.count, using: &random)))
                } else {
                    let server = ServerID(Int.random(in: 0..<serverCount, using: &random))
                    try selector.setWeight(Int.random(in: 0...6, using: &random), for: server)
                }
            }
            for server in held { selector.release(server) }
            #expect(selector.activeConnections().allSatisfy { $0 == 0 })
        }
    }

    @Test("single-threaded, equal servers with one connection in flight take turns exactly", arguments: scanningKinds)
    func exactRotation(kind: SelectorKind) throws {
        let selector = try kind.makeSelector(weights: Array(repeating: 3, count: 5))
        let order = (0..<15).map { _ in selector.withConnection { $0.index }! }
        #expect(order == Array(repeating: Array(0..<5), count: 3).flatMap { $0 })
    }

    @Test("sharded: connections released on other threads than they were picked on drain every stripe")
    func shardedCrossThreadReleases() throws {
        for stripes in [1, 2, 8] {
            let selector = try ShardedSelector(weights: [1, 2, 1, 3], stripes: stripes)
            let threads = 4
            let perThread = 2_000
            let picked = PickedConnections(threads: threads, perThread: perThread)
            // Phase 1: every thread picks and keeps its connections.
            runConcurrently(threads: threads) { worker in
                for index in 0..<perThread { picked.store(selector.pick()!, worker: worker, index: index) }
            }
            #expect(selector.activeConnections().reduce(0, +) == threads * perThread)
            #expect(selector.scannedCounts() == selector.activeConnections(), "totals follow the stripes")
            // Phase 2: every thread releases the next thread's connections, while a monitor
            // checks that no count is ever seen below 0.
            runConcurrently(threads: threads + 1) { worker in
                if worker == threads {
                    for _ in 0..<2_000 { precondition(selector.activeConnections().allSatisfy { $0 >= 0 }) }
                    return
                }
                for index in 0..<perThread { selector.release(picked.load(worker: (worker + 1) % threads, index: index)) }
            }
            #expect(selector.activeConnections() == [0, 0, 0, 0], "stripes \(stripes)")
            #expect(selector.scannedCounts() == [0, 0, 0, 0], "totals, stripes \(stripes)")
        }
    }

    @Test("a connection released twice from another thread stops the process", arguments: lockFreeKinds)
    func crossThreadDoubleRelease(kind: SelectorKind) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [kind] in
            let selector = try! kind.makeSelector(weights: [1, 1, 1])
            let server = selector.pick()!
            _ = selector.pick()
            runConcurrently(threads: 1) { _ in selector.release(server) }
            runConcurrently(threads: 1) { _ in selector.release(server) }
        }
        expectStopped(result, saying: "but it has no active connection")
    }

    /// A release without a connection can take a unit of a claim that has yet to add to the
    /// server's total, so a scan may read the total below 0 before any release finds the
    /// stripes empty: that must stop with the misuse message, not an arithmetic trap
    /// converting the total to 32 bits. The race has no test hook; the total is planted.
    @Test("sharded: a scan that reads a total below 0 stops with the double-release message")
    func shardedNegativeTotal() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let selector = try! ShardedSelector(weights: [1, 1, 1])
            selector.totals[2].store(-1, ordering: .relaxed)
            _ = selector.pick()
        }
        expectStopped(result, saying: "release(server 2) but it has no active connection")
    }

    @Test("lock-free selectors report compare-and-swap retries, lock-based ones lock statistics")
    func contentionStatisticsShape() throws {
        for kind in SelectorKind.allCases {
            // `partitioned` takes no `LockKind` but locks its shards: it reports their locks.
            let locks = kind.usesLock || kind == .partitioned
            let statistics = try kind.makeSelector(weights: [1, 1]).contentionStatistics()
            #expect((statistics.casRetries != nil) == !locks, "\(kind)")
            #expect((statistics.lock != nil) == locks, "\(kind)")
        }
    }
}

/// Connections picked in phase 1, indexed by worker; each worker writes only its own row and
/// rows are read after the writers have been joined.
final class PickedConnections: @unchecked Sendable {
    private let servers: UnsafeMutableBufferPointer<ServerID>
    private let perThread: Int

    init(threads: Int, perThread: Int) {
        self.perThread = perThread
        servers = .allocate(capacity: threads * perThread)
        servers.initialize(repeating: ServerID(0))
    }

    deinit { servers.deallocate() }

    func store(_ server: ServerID, worker: Int, index: Int) { servers[worker * perThread + index] = server }

    func load(worker: Int, index: Int) -> ServerID { servers[worker * perThread + index] }
}
