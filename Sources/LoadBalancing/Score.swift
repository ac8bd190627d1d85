/// A server's load score, `active / weight`, kept as the exact fraction.
///
/// Scores are compared by cross-multiplication (`a.active * b.weight < b.active * a.weight`),
/// never in floating point, as NGINX's `least_conn` and IPVS's `wlc` do. Both factors are
/// at most `UInt32.max`, so each product fits in a `UInt64` and the comparison cannot overflow.
/// A drained server (weight 0) has no score: selectors never compare it.
@frozen
public struct Score: Comparable, Sendable, CustomStringConvertible {
    /// Active connections: picked and not yet released.
    public let active: UInt32
    /// The server's weight; positive for every server that can be scored.
    public let weight: UInt32

    @inlinable
    public init(active: UInt32, weight: UInt32) {
        self.active = active
        self.weight = weight
    }

    /// Whether `active/weight` is strictly below `other.active/other.weight`.
    ///
    /// - Complexity: O(1): two 32×32→64-bit multiplications.
    @inlinable
    public static func < (lhs: Score, rhs: Score) -> Bool {
        UInt64(lhs.active) &* UInt64(rhs.weight) < UInt64(rhs.active) &* UInt64(lhs.weight)
    }

    /// Equal fractions are equal scores: `2/4 == 1/2`.
    @inlinable
    public static func == (lhs: Score, rhs: Score) -> Bool {
        UInt64(lhs.active) &* UInt64(rhs.weight) == UInt64(rhs.active) &* UInt64(lhs.weight)
    }

    public var description: String { "\(active)/\(weight)" }
}

/// The largest weight a server may have, and the most active connections one server can count.
///
/// Both are `UInt32.max` so that `Score` comparisons fit in 64 bits.
public enum SelectorLimits {
    /// The largest accepted weight.
    public static let maximumWeight = Int(UInt32.max)
    /// The most connections one server can have active at once.
    public static let maximumActiveConnections = Int(UInt32.max)
}
