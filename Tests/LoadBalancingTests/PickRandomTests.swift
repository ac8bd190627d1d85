import Atomics
import Foundation
import LBRandom
@testable import LoadBalancing
import Testing

/// A pick's random numbers come in blocks: `SlotRandom` reserves one with a single atomic add
/// on its slot's shared stream, `PickRandom` (the policies' side) walks the same stream in the
/// same blocks. The selectors' promise that one thread makes its policy's choices
/// (`P2CSelector` and `P2CPolicy`) rests on the two agreeing; the slot's promise that threads
/// sharing it never draw the same value rests on the reservation.
@Suite("pick random numbers in blocks")
struct PickRandomTests {
    /// How many values each of a run of picks draws: within a block, exactly a block, across
    /// blocks, none.
    static let drawsPerPick = [2, 3, 1, 4, 0, 5, 9, 2, 8, 1, 1, 3]

    @Test("each pick's first draw is the first value of a new block of the seed's stream")
    func picksStartAtBlocks() {
        let length = PickRandom.blockLength
        var random = PickRandom(seed: 11)
        var position = 0  // index in the stream of the next block's first value
        for draws in Self.drawsPerPick {
            random.beginPick()
            var stream = SplitMix64(seed: 11)
            stream.skip(UInt64(position))
            for draw in 0..<draws {
                #expect(random.next() == stream.next(), "draw \(draw) of a pick starting at value \(position)")
            }
            // Whole blocks, as many as the draws need; a pick that draws nothing reserves none.
            position += (draws + length - 1) / length * length
        }
    }

    @Test("one thread's slot draws, a SlotRandom per pick, are PickRandom's")
    func slotMatchesPolicyStream() {
        let state = UnsafeAtomic<UInt64>.create(23)
        defer { state.destroy() }
        var policySide = PickRandom(seed: 23)
        for draws in Self.drawsPerPick {
            policySide.beginPick()
            var slotSide = SlotRandom(state: state)
            for draw in 0..<draws {
                #expect(slotSide.next() == policySide.next(), "draw \(draw) of \(draws)")
            }
        }
    }

    /// Each thread draws a varying number of values per pick from one shared slot state; the
    /// stream has no repeated values in this range, so a duplicate would be a block handed to
    /// two picks (as a plain load and store instead of the atomic add would do).
    @Test("threads sharing a slot never draw the same value")
    func sharedSlotValuesAreDistinct() {
        let state = UnsafeAtomic<UInt64>.create(5)
        defer { state.destroy() }
        let threads = 4
        let picks = 20_000
        let collected = DrawnValues()
        // Real threads released together (`runConcurrently`), so the draws overlap: tasks on a
        // pool could run one after another on 2 cores and never race.
        runConcurrently(threads: threads) { thread in
            var values: [UInt64] = []
            values.reserveCapacity(picks * 3)
            for pick in 0..<picks {
                var random = SlotRandom(state: state)
                for _ in 0..<((pick + thread) % 6) { values.append(random.next()) }
            }
            collected.append(values)
        }
        let drawn = collected.all
        let expected = (0..<threads).reduce(0) { sum, thread in sum + (0..<picks).reduce(0) { $0 + ($1 + thread) % 6 } }
        #expect(drawn.count == expected, "every thread drew its values")
        #expect(Set(drawn).count == drawn.count, "\(drawn.count - Set(drawn).count) values drawn twice")
    }
}

/// What the threads of `sharedSlotValuesAreDistinct` drew: each appends once, under a lock.
private final class DrawnValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64] = []

    func append(_ drawn: [UInt64]) {
        lock.lock()
        values += drawn
        lock.unlock()
    }

    var all: [UInt64] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
