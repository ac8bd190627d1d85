import LBRandom
import Testing

/// The generator's streams are fixed forever: published results, seeded tests and `--seed`
/// reproductions all depend on the same seed giving the same numbers.
@Suite("SplitMix64 streams")
struct SplitMix64Tests {
    /// Outputs of Vigna's reference `splitmix64.c` (state = seed, then `next()` repeatedly).
    static let referenceOutputs: [UInt64: [UInt64]] = [
        0: [16_294_208_416_658_607_535, 7_960_286_522_194_355_700, 487_617_019_471_545_679],
        1_234_567: [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ],
    ]

    @Test("matches the reference implementation")
    func referenceOutputs() {
        for (seed, expected) in Self.referenceOutputs {
            var random = SplitMix64(seed: seed)
            #expect(expected.map { _ in random.next() } == expected, "seed \(seed)")
        }
    }

    @Test("unit-interval doubles are the top 53 bits, centred")
    func unitInterval() {
        var random = SplitMix64(seed: 42)
        #expect((0..<3).map { _ in random.nextUnitInterval() } == [0.7415648787718234, 0.15991039287692016, 0.2786011302551387])
    }

    /// `SlotRandom` shares a stream between threads by adding `gamma` (a block's worth of it) to
    /// its state atomically and seeding a fresh generator with the state it found: that must be
    /// the stream itself.
    @Test("the i-th output is a fresh generator seeded with seed + i × gamma")
    func stepIsAnAddition() {
        var stream = SplitMix64(seed: 99)
        for step in UInt64(0)..<5 {
            var fresh = SplitMix64(seed: 99 &+ step &* SplitMix64.gamma)
            #expect(stream.next() == fresh.next())
        }
    }

    /// `PickRandom` skips what a pick leaves of its block with `skip`.
    @Test("skip(k) lands where k calls of next() land")
    func skipIsSteps() {
        for steps in UInt64(0)..<9 {
            var stepped = SplitMix64(seed: 7)
            var skipped = SplitMix64(seed: 7)
            for _ in 0..<steps { _ = stepped.next() }
            skipped.skip(steps)
            #expect(stepped.next() == skipped.next(), "\(steps) steps")
        }
    }

    @Test("unit-interval draws are strictly inside (0, 1) at both extremes, and unchanged elsewhere")
    func unitIntervalIsOpen() {
        #expect(SplitMix64.unitInterval(0) == 0x1p-54)
        // The top 53 bits all set: the cell's midpoint rounds to 1.0 in a double.
        #expect(SplitMix64.unitInterval(.max) == 1.0.nextDown)
        #expect(SplitMix64.unitInterval(.max - (1 << 11)) == (Double((UInt64.max - (1 << 11)) >> 11) + 0.5) * 0x1p-53)
    }
}
