import Atomics
import LBRandom

/// One pick's random numbers from its thread slot's `SplitMix64` stream (`P2CSelector`,
/// `PartitionedSelector`), which every thread sharing the slot steps with atomic adds, so no
/// two of them ever get the same value. The pick's first draw reserves a block of
/// `PickRandom.blockLength` consecutive values with one atomic add of that many steps; its
/// later draws use the block without touching shared memory (and reserve another block if the
/// pick needs more); values a pick leaves unused are skipped, as `PickRandom` skips them. Make
/// one per pick.
///
/// One atomic add per pick instead of one per draw: on a machine whose locked instructions
/// are slow (the project's Intel Xeon VM, about 10 ns each) `p2c`'s pick + release went from
/// 66–75 to 42–53 ns (a scratch A/B, 2026-12-01); where they are cheap (the project's first
/// AMD EPYC VM, 1–3 ns) the same change measured nothing.
///
/// - Complexity: `next()` O(1): one atomic add per block.
/// - Note: Not thread-safe itself (a value owned by one pick); the slot's state it draws from
///   may be shared.
struct SlotRandom: RandomNumberGenerator {
    private let state: UnsafeAtomic<UInt64>
    /// The reserved block, as a stream positioned before its first unused value.
    private var block = SplitMix64(seed: 0)
    /// Values left in the reserved block.
    private var left = 0

    init(state: UnsafeAtomic<UInt64>) {
        self.state = state
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        if left == 0 {
            // Relaxed: every add hands out a distinct block; random values publish no memory.
            let start = state.loadThenWrappingIncrement(
                by: SplitMix64.gamma &* UInt64(PickRandom.blockLength), ordering: .relaxed)
            block = SplitMix64(seed: start)
            left = PickRandom.blockLength
        }
        left &-= 1
        return block.next()
    }
}
