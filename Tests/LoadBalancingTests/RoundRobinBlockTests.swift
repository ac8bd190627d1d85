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

    @Test("one thread takes tickets 0, 1, 2, … across block boundaries, as the single shared ticket did")
    func oneThreadCountsUp() throws {
        let selector = try RoundRobinSelector(weights: [1, 2, 3])
        let count = RoundRobinSelector.ticketsPerBlock * 5 + 3
        #expect((0..<count).map { _ in selector.nextTicket() } == (0..<UInt(count)).map { $0 })
    }

    @Test("threads sharing slots never take the same ticket (a slot's block is used up before another is installed)")
    func sharedSlotsNeverRepeatATicket() throws {
        let selector = try RoundRobinSelector(weights: [1, 1, 1, 1])
        // Four threads per slot: slots are shared and refills race.
        let threads = ThreadSlots.defaultCount * 4
        let ticketsPerThread = 20_000
        let lock = NSLock()
        nonisolated(unsafe) var taken: [UInt] = []
        runConcurrently(threads: threads) { _ in
            var mine: [UInt] = []
            mine.reserveCapacity(ticketsPerThread)
            for _ in 0..<ticketsPerThread { mine.append(selector.nextTicket()) }
            lock.lock()
            taken += mine
            lock.unlock()
        }
        #expect(taken.count == threads * ticketsPerThread)
        #expect(Set(taken).count == taken.count, "\(taken.count - Set(taken).count) tickets taken twice")
    }

    /// Two threads sharing one slot, played out step by step: both find the block used up,
    /// both refill, and the one that loses the install keeps only its block's first ticket.
    /// A slot word read past the end of its block must never become a ticket: offset 33 of
    /// block 0 would be ticket 33, the second ticket of block 1, which another slot owns.
    @Test("two threads sharing a slot, step by step: a used-up block yields no ticket; a lost install keeps only its first ticket")
    func sharedSlotInterleaving() throws {
        let selector = try RoundRobinSelector(weights: [1, 1])
        let block = RoundRobinSelector.ticketsPerBlock
        let shared = selector.slotWord(0)
        let other = selector.slotWord(1)
        var taken: [UInt] = []
        // A and B both find slot 0 unfilled, then both refill: A installs block 0, B's block 1 loses.
        #expect(RoundRobinSelector.takeTicket(from: shared) == nil)
        #expect(RoundRobinSelector.takeTicket(from: shared) == nil)
        taken.append(selector.refill(shared))
        taken.append(selector.refill(shared))
        #expect(taken == [0, UInt(block)])
        // Slot 0 hands out the rest of block 0, then is used up again, for A and for B.
        for _ in 1..<block { taken.append(try #require(RoundRobinSelector.takeTicket(from: shared))) }
        #expect(RoundRobinSelector.takeTicket(from: shared) == nil)
        #expect(RoundRobinSelector.takeTicket(from: shared) == nil, "offset \(block + 1) is not a ticket")
        // Slot 1 takes block 2 whole; slot 0 then refills with block 3.
        #expect(RoundRobinSelector.takeTicket(from: other) == nil)
        taken.append(selector.refill(other))
        for _ in 1..<block { taken.append(try #require(RoundRobinSelector.takeTicket(from: other))) }
        taken.append(selector.refill(shared))
        taken.append(try #require(RoundRobinSelector.takeTicket(from: shared)))
        #expect(Set(taken).count == taken.count, "a ticket was taken twice: \(taken)")
        #expect(Array(taken[(block + 1)...]) == (UInt(2 * block)..<UInt(3 * block)).map { $0 } + [UInt(3 * block), UInt(3 * block + 1)])
        // Only B's lost block skipped tickets (33 ..< 64), as the type documents.
        #expect(Set(0..<UInt(3 * block + 2)).subtracting(taken) == Set(UInt(block + 1)..<UInt(2 * block)))
    }
}
