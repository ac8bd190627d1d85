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
        #expect(RoundRobinSelector.takeTicket(from: shared, slot: 0) == nil)
        #expect(RoundRobinSelector.takeTicket(from: shared, slot: 0) == nil)
        taken.append(selector.refill(shared, slot: 0))
        taken.append(selector.refill(shared, slot: 0))
        #expect(taken == [0, UInt(block)])
        // Slot 0 hands out the rest of block 0, then is used up again, for A and for B.
        for _ in 1..<block { taken.append(try #require(RoundRobinSelector.takeTicket(from: shared, slot: 0))) }
        #expect(RoundRobinSelector.takeTicket(from: shared, slot: 0) == nil)
        #expect(RoundRobinSelector.takeTicket(from: shared, slot: 0) == nil, "offset \(block + 1) is not a ticket")
        // Slot 1 takes block 2 whole; slot 0 then refills with block 3.
        #expect(RoundRobinSelector.takeTicket(from: other, slot: 1) == nil)
        taken.append(selector.refill(other, slot: 1))
        for _ in 1..<block { taken.append(try #require(RoundRobinSelector.takeTicket(from: other, slot: 1))) }
        taken.append(selector.refill(shared, slot: 0))
        taken.append(try #require(RoundRobinSelector.takeTicket(from: shared, slot: 0)))
        #expect(Set(taken).count == taken.count, "a ticket was taken twice: \(taken)")
        // Slot 1 hands block 2 out from its rotation (offset 1), wrapping round to the block's first ticket.
        #expect(
            Array(taken[(block + 1)...])
                == (UInt(2 * block + 1)..<UInt(3 * block)).map { $0 } + [UInt(2 * block), UInt(3 * block), UInt(3 * block + 1)])
        // Only B's lost block skipped tickets (33 ..< 64), as the type documents.
        #expect(Set(0..<UInt(3 * block + 2)).subtracting(taken) == Set(UInt(block + 1)..<UInt(2 * block)))
    }

    /// Slots whose blocks all began at entry 0 put threads that started together in step on
    /// one server at a time (equal weights, a period dividing the block). Each slot starts
    /// its block at its own offset.
    @Test("slots start their blocks at their own offsets: threads that start together pick different servers")
    func slotsStartOutOfPhase() throws {
        let servers = 8
        let threads = min(ThreadSlots.defaultCount, servers)
        let selector = try RoundRobinSelector(weights: Array(repeating: 1, count: servers))
        let lock = NSLock()
        nonisolated(unsafe) var sequences: [[Int]] = []
        runConcurrently(threads: threads) { _ in
            // Held, not released: counts play no part in round robin's choice.
            let mine = (0..<servers).map { _ in selector.pick()!.index }
            lock.lock()
            sequences.append(mine)
            lock.unlock()
        }
        // Each thread has a slot of its own (slots are claimed in order), so its picks rotate
        // from its slot's offset: the first picks are all different, and so is every k-th.
        for k in 0..<servers {
            #expect(Set(sequences.map { $0[k] }).count == threads, "pick \(k) of each thread: \(sequences.map { $0[k] })")
        }
        for sequence in sequences {
            #expect(Set(sequence).count == servers, "a thread's \(servers) picks are not a whole rotation: \(sequence)")
        }
    }

    @Test("a slot's tickets, block after block, rotate without a gap from its offset when the period divides the block")
    func slotRotationIsContinuous() {
        let block = RoundRobinSelector.ticketsPerBlock
        for slot in 0..<64 {
            // Blocks 5 and 9: any two, as the slot may get any.
            let tickets = [5, 9].flatMap { b in (0..<block).map { RoundRobinSelector.ticket(block: b, offset: $0, slot: slot) } }
            #expect(Set(tickets).count == 2 * block)
            #expect(Set(tickets.prefix(block)) == Set((5 * block..<6 * block).map(UInt.init)), "block 5 used whole")
            for period in [1, 2, 4, 8, 16, 32] {
                let entries = tickets.map { Int($0) % period }
                #expect(entries == (0..<2 * block).map { (slot + $0) % period }, "slot \(slot), period \(period)")
            }
        }
    }
}
