/// The weighted tie rule of the exact policies: a server's *virtual time* `units / weight`.
///
/// Among servers of equal minimal score, the one with the earliest virtual time wins, then the
/// one with the oldest last-change stamp. A server's units are its weight class's round when it
/// last changed (`ClassClock`): a round is one pick per member of the class and is worth
/// `1 / weight`, so at light load, when every score is 0, picks follow the weights as in stride
/// scheduling (Waldspurger & Weihl 1995) — the shares of the smooth weighted rotation NGINX's
/// `least_conn` runs among its tied peers, kept as one number per server so that a heap or a
/// bucket list can order it. See `ReferenceLeastConnections` for the whole rule.
///
/// Virtual times are compared like scores, by cross-multiplication, here 64 × 32 bits into
/// 128, so they never overflow and never round.
///
/// - Note: Not thread-safe: a value.
@frozen
public struct VirtualTime: Sendable, Equatable, CustomStringConvertible {
    /// The time in units of `1 / weight`.
    public var units: UInt64
    /// The weight that sets the unit; positive.
    public var weight: UInt32

    /// Time 0.
    public static let zero = VirtualTime(units: 0, weight: 1)

    @inlinable
    public init(units: UInt64, weight: UInt32) {
        self.units = units
        self.weight = weight
    }

    /// `aUnits / aWeight` and `bUnits / bWeight` over the common denominator `aWeight × bWeight`:
    /// the two numerators, which order as the times do (both weights positive).
    ///
    /// - Complexity: O(1): two 64 × 64 → 128-bit multiplications.
    @inlinable
    @inline(__always)
    public static func numerators(
        _ aUnits: UInt64, _ aWeight: UInt32, _ bUnits: UInt64, _ bWeight: UInt32
    ) -> (a: UInt128, b: UInt128) {
        (UInt128(aUnits) &* UInt128(bWeight), UInt128(bUnits) &* UInt128(aWeight))
    }

    /// -1, 0 or 1 as `aUnits / aWeight` is earlier than, equal to or later than
    /// `bUnits / bWeight` (both weights positive): one comparison settles a tie both ways.
    ///
    /// - Complexity: O(1): two 64 × 64 → 128-bit multiplications.
    @inlinable
    @inline(__always)
    public static func order(_ aUnits: UInt64, _ aWeight: UInt32, _ bUnits: UInt64, _ bWeight: UInt32) -> Int {
        let (left, right) = numerators(aUnits, aWeight, bUnits, bWeight)
        return left < right ? -1 : (left == right ? 0 : 1)
    }

    /// Whether `aUnits / aWeight`, then `aStamp`, comes before `bUnits / bWeight`, then
    /// `bStamp` (both weights positive): the tie rule after the score, as a boolean expression
    /// the compiler can evaluate without branching on its (unpredictable) outcome, for a
    /// heap's sift or a scan.
    ///
    /// - Complexity: O(1): two 64 × 32-bit multiplications, 64 × 64 → 128-bit once either
    ///   units reach 2^32.
    @inlinable
    @inline(__always)
    public static func precedes(
        _ aUnits: UInt64, _ aWeight: UInt32, _ aStamp: UInt64, _ bUnits: UInt64, _ bWeight: UInt32, _ bStamp: UInt64
    ) -> Bool {
        if _fastPath((aUnits | bUnits) >> 32 == 0) {
            let left = aUnits &* UInt64(bWeight)
            let right = bUnits &* UInt64(aWeight)
            return left < right || (left == right && aStamp < bStamp)
        }
        let (left, right) = numerators(aUnits, aWeight, bUnits, bWeight)
        return left < right || (left == right && aStamp < bStamp)
    }

    /// The exact policies' whole order between two servers of any weights (see
    /// `ReferenceLeastConnections`): whether server a, with `aActive` connections, weight
    /// `aWeight`, virtual time `aUnits / aWeight` and stamp `aStamp`, is picked before server b:
    /// lower score `active / weight`, then earlier virtual time, then older stamp. Both weights
    /// positive; the tie rule is computed only on equal scores. `min-heap`'s tournament, `linear-scan`'s segment winners and `buckets`' class
    /// heads are all compared with it.
    ///
    /// - Complexity: O(1): two 32 × 32-bit multiplications for the score, then `precedes`.
    @inlinable
    @inline(__always)
    public static func serverPrecedes(
        _ aActive: UInt32, _ aWeight: UInt32, _ aUnits: UInt64, _ aStamp: UInt64,
        _ bActive: UInt32, _ bWeight: UInt32, _ bUnits: UInt64, _ bStamp: UInt64
    ) -> Bool {
        let left = UInt64(aActive) &* UInt64(bWeight)
        let right = UInt64(bActive) &* UInt64(aWeight)
        if left != right { return left < right }
        return precedes(aUnits, aWeight, aStamp, bUnits, bWeight, bStamp)
    }

    /// Whether `aUnits / aWeight` is strictly earlier than `bUnits / bWeight` (both weights
    /// positive).
    ///
    /// - Complexity: O(1): two 64 × 64 → 128-bit multiplications.
    @inlinable
    @inline(__always)
    public static func isEarlier(_ aUnits: UInt64, _ aWeight: UInt32, than bUnits: UInt64, _ bWeight: UInt32) -> Bool {
        order(aUnits, aWeight, bUnits, bWeight) < 0
    }

    /// Moves this time forward to `units / weight` if that is later.
    ///
    /// - Complexity: O(1); one integer comparison when the weights are equal.
    @inlinable
    @inline(__always)
    public mutating func advance(to units: UInt64, weight: UInt32) {
        if weight == self.weight {
            if units > self.units { self.units = units }
        } else if Self.isEarlier(self.units, self.weight, than: units, weight) {
            self.units = units
            self.weight = weight
        }
    }

    /// This time in units of `1 / weight`, rounded up (the first unit not earlier than it),
    /// saturating at `UInt64.max / 2` so that later picks still have room to count.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func units(atWeight weight: UInt32) -> UInt64 {
        let product = units.multipliedFullWidth(by: UInt64(weight))
        let divisor = UInt64(self.weight)
        let ceiling = UInt64.max / 2
        if product.high >= divisor { return ceiling }
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        let rounded = remainder == 0 ? quotient : quotient + 1
        return Swift.min(rounded, ceiling)
    }

    public var description: String { "\(units)/\(weight)" }
}
