import Foundation
import Testing
@testable import LoadBalancing

/// `round-robin` hands out tickets in blocks per thread slot; every ticket must still be used
/// exactly once, so whole blocks give every server exactly its weight's share.
@Suite("round-robin: tickets in blocks")
struct RoundRobinBlockTests {
    @Test("threads that use whole blocks give every server exactly its share", arguments: [[3, 1, 2], [1, 1, 1, 1], [5, 0, 2]])
    func wholeBlocksKeepShares(weights: [Int]) throws {
        let threads = ThreadSlots.defaultCount  // one slot each: no ticket is skipped
        let period = weights.reduce(0, +)
        let picksPerThread = RoundRobinSelector.ticketsPerBlock * period * 10
        let selector = try RoundRobinSelector(weights: weights)
        let tally = PerServerTally(serverCount: weights.count, threads: threads)
        runConcurrently(threads: threads) { worker in
            for _ in 0..<picksPerThread {
                guard let server = selector.pick() else { fatalError("no server picked") }
                tally.count(server, worker: worker)
                selector.release(server)
            }
        }
        let rounds = threads * picksPerThread / period
        #expect(tally.totals() == weights.map { $0 * rounds })
        #expect(selector.activeConnections().allSatisfy { $0 == 0 })
    }
}
