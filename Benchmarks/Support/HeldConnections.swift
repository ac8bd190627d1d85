import LoadBalancing

/// The connections a steady-state benchmark row holds, in storage reserved up front so that
/// holding and letting go of them allocates nothing: a proxy's steady state (random picks and
/// releases with many connections in flight) for the `.steady` rows of the SingleThread and
/// Contention suites.
///
/// Each call is a plain loop over `pick()` and `release(_:)`; everything is `@inlinable`, so a
/// suite calls the selector through its concrete type, as its other rows do.
///
/// - Note: Not thread-safe; one per thread and benchmark sample (the selector it drives may be
///   shared by several threads, each with its own `HeldConnections`).
public struct HeldConnections {
    /// The most connections held during `churn`.
    public let peak: Int
    /// The row's name, for the one message a selector can cause (no server to pick).
    @usableFromInline let name: String
    @usableFromInline var held: [ServerID]
    /// xorshift64's state: which connection goes, and whether to pick or release.
    @usableFromInline var random: UInt64

    /// - Parameters:
    ///   - peak: the most connections `churn` holds; `fill` may hold up to twice as many.
    ///   - seed: the xorshift64 state (non-zero); threads sharing a selector take different ones.
    public init(peak: Int, name: String, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        precondition(seed != 0, "xorshift64 needs a non-zero state")
        self.peak = peak
        self.name = name
        self.random = seed
        held = []
        held.reserveCapacity(2 * peak)
    }

    /// Picks until `count` connections are held (at most `2 × peak`). O(count) picks.
    @inlinable
    public mutating func fill(_ selector: some ServerSelector, to count: Int) {
        precondition(count <= 2 * peak, "room is reserved for 2 × peak connections")
        while held.count < count { pick(selector) }
    }

    /// Releases every held connection, the newest first. O(held) releases.
    @inlinable
    public mutating func drain(_ selector: some ServerSelector) {
        while let server = held.popLast() { selector.release(server) }
    }

    /// `operations` picks and releases in a random order, never more than `peak` held: a
    /// release (of a random held connection) when at the peak, a pick when none is held,
    /// otherwise either with probability ½.
    @inlinable
    public mutating func churn(_ selector: some ServerSelector, operations: Int) {
        for _ in 0..<operations {
            let draw = nextRandom()
            if held.count == peak || (!held.isEmpty && draw & 1 == 0) {
                let index = Int((draw >> 1) % UInt64(held.count))
                held.swapAt(index, held.count - 1)
                selector.release(held.removeLast())
            } else {
                pick(selector)
            }
        }
    }

    @inlinable
    mutating func pick(_ selector: some ServerSelector) {
        guard let server = selector.pick() else { fatalError("\(name) picked nothing: no server is drained here") }
        held.append(server)
    }

    @inlinable
    mutating func nextRandom() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return random
    }
}
