import LBRandom

/// A `SplitMix64` stream drawn one pick at a time, in blocks of `blockLength` consecutive
/// values, the way `SlotRandom` draws from a thread slot's shared stream: a pick's first draw
/// starts a new block, its later draws take the rest of it (and the next block if it needs
/// more), and whatever a pick leaves of its block is skipped (`beginPick()`). So a policy that
/// draws from this stream makes exactly the draws a lock-free selector makes from one thread
/// with the same seed (`P2CPolicy` and `P2CSelector`).
///
/// - Complexity: every operation O(1).
/// - Note: Not thread-safe: a value.
struct PickRandom: RandomNumberGenerator {
    /// Values per block. A `p2c` pick draws 2 (its candidates) or 3 (and a tie's coin), a
    /// `partitioned` pick usually 2 to 4, more only when drained servers make it draw again;
    /// a selector pays one atomic add per block, whatever its length, and skipped values cost
    /// nothing.
    static let blockLength = 4

    private var stream: SplitMix64
    /// Values left in the current block.
    private var left = 0

    init(seed: UInt64) {
        stream = SplitMix64(seed: seed)
    }

    /// Ends the previous pick's block: its unused values are skipped, so the next draw starts a
    /// new block.
    mutating func beginPick() {
        stream.skip(UInt64(left))
        left = 0
    }

    mutating func next() -> UInt64 {
        if left == 0 { left = Self.blockLength }
        left -= 1
        return stream.next()
    }
}
