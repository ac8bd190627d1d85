/// A small, fast, seeded pseudo-random generator (Steele, Lea & Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014): 8 bytes of state, passes BigCrush.
///
/// Every random choice in the project (p2c's draws, workload durations, test sequences) uses
/// it with an explicit seed, so every run is reproducible. It has a module of its own so that
/// the workloads and the simulator need not depend on the selector library to draw numbers;
/// `public` (though it is the project's tool, not part of the selector library's API) because
/// this toolchain (Swift 6.3, SwiftPM) inlines and specializes `@inlinable` code across modules
/// only when it is `public`: `@inlinable package` bodies are not serialized, so every draw in
/// a selector or the harness would be a call.
///
/// - Note: Not thread-safe: a value owned by one thread.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline
    var state: UInt64

    @inlinable
    public init(seed: UInt64) { state = seed }

    /// The odd constant added to the state on every step (2^64 divided by the golden ratio).
    /// A step is nothing but this addition, so `P2CSelector` can share one stream between
    /// threads by adding it atomically.
    @inlinable
    public static var gamma: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Skips `steps` values, as `steps` calls of `next()` would: one multiplication and one
    /// addition.
    @inlinable
    public mutating func skip(_ steps: UInt64) {
        state &+= Self.gamma &* steps
    }

    /// A uniform double in the open interval (0, 1): never 0, so `log` of it is finite, and
    /// never 1.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Self.unitInterval(next())
    }

    /// `bits` as a double in the open interval (0, 1): the midpoint of its top 53 bits' cell.
    /// The last cell's midpoint, 1 − 2^-54, rounds to 1.0 (a double has 53 significant bits),
    /// so that one value (a draw in 2^53) is returned as the largest double below 1 instead;
    /// every other value maps as before, so seeded streams keep their draws.
    @inlinable
    public static func unitInterval(_ bits: UInt64) -> Double {
        let value = (Double(bits &>> 11) + 0.5) * 0x1p-53
        return value < 1 ? value : 1.0.nextDown
    }
}
