/// `linear-scan`'s layout for small farms of several weights: one flat array of *ranks*, each
/// server's place in the whole tie rule as integers compared in order, so that a pick is one
/// pass over the servers with no loop over weight classes and no multiplication.
///
/// With `L` the least common multiple of the farm's positive weights, a server of weight `w`
/// has score `active / w = active·(L/w) / L` and virtual time `units / w = units·(L/w) / L`:
/// both are whole numbers over the one denominator `L`, so ordering servers by
/// (`active·(L/w)`, `units·(L/w)`, stamp) is exactly the rule of `ReferenceLeastConnections`
/// (lowest score, then earliest virtual time, then oldest stamp). A rank holds the scaled score
/// above the top 16 bits of the scaled units in `high` and their low 64 bits in `low`, so the
/// pair compares as one 128-bit number: exact while `L < 2^16` (a scaled score below 2^48,
/// scaled units below 2^80). A drained server's `high` is `UInt64.max`, above every live
/// server's, so a pick never takes it while a live server exists.
///
/// `LinearScanPolicy` uses this layout for farms of at most `farmLimit` servers with at least
/// two distinct positive weights whose least common multiple is below 2^16 (`scales`). There
/// its per-class segments pay a loop over the classes and a cross-multiplied comparison of the
/// class winners on every pick, which at 8 servers of weights 1–4 (four classes of two) cost
/// more than the whole flat pass (about 1 ns a server). With one weight, or more servers, the
/// segments are faster and stay.
///
/// - Complexity: pick O(n); release and assign O(1). Memory: 32 bytes per server.
/// - Note: Not thread-safe: part of one policy.
@usableFromInline
struct RankedScan {
    /// One server's rank and what a release or a weight change needs to rewrite it.
    @usableFromInline
    struct Rank: BitwiseCopyable {
        /// `active·scale << 16 | (units·scale) >> 64`, or `UInt64.max` while drained.
        @usableFromInline var high: UInt64
        /// The low 64 bits of `units·scale`.
        @usableFromInline var low: UInt64
        @usableFromInline var stamp: UInt64
        @usableFromInline var active: UInt32
        /// The server's class in `WeightClassClocks`; -1 while drained.
        @usableFromInline var weightClass: Int16
        /// `L / weight`; 0 while drained.
        @usableFromInline var scale: UInt16
    }

    /// The most servers for which `LinearScanPolicy` keeps ranks (measured: at 32 servers of
    /// weights 1–4 the flat pass still beat the segments; with equal weights the segments win
    /// from 12 servers on, and they are kept for one weight at every size).
    @usableFromInline static let farmLimit = 32

    /// Every server's rank, indexed by server. Written by every pick and release.
    @usableFromInline var ranks: PolicyArray<Rank>

    /// No servers: the layout of a policy that keeps segments.
    init() { ranks = PolicyArray([]) }

    /// Ranks for `states` (indexed by server), whose classes are those of `classes`, scaled by
    /// `scales` (indexed by class; see `scales(for:serverCount:)`).
    ///
    /// - Complexity: O(n).
    init(_ states: [ServerState], classes: WeightClassClocks, scales: [UInt16]) {
        ranks = PolicyArray(states.indices.map { server in
            let weightClass = Int(classes.classOf[server])
            var rank = Rank(high: .max, low: 0, stamp: states[server].stamp, active: states[server].active,
                            weightClass: Int16(weightClass), scale: 0)
            if weightClass >= 0 {
                rank.scale = scales[weightClass]
                Self.rewrite(&rank, units: states[server].units)
            }
            return rank
        })
    }

    /// What a layout must keep of a server: its connections, last-change stamp and virtual
    /// time (units of its class).
    struct ServerState {
        var active: UInt32
        var stamp: UInt64
        var units: UInt64
    }

    /// `L / weight` for each class index of `classes` (0 for a free index), when a farm of
    /// `serverCount` servers with these classes should keep ranks: at most `farmLimit`
    /// servers, at least two classes with members, and `L < 2^16`. Otherwise `nil`.
    ///
    /// - Complexity: O(W).
    static func scales(for classes: WeightClassClocks, serverCount: Int) -> [UInt16]? {
        guard serverCount <= farmLimit else { return nil }
        var multiple: UInt64 = 1
        var live = 0
        for index in classes.classes.indices where classes.classes[index].members > 0 {
            live += 1
            let weight = UInt64(classes.classWeight[index])
            multiple = multiple / greatestCommonDivisor(multiple, weight) * weight
            if multiple >= 1 << 16 { return nil }
        }
        guard live >= 2 else { return nil }
        return classes.classes.indices.map { index in
            classes.classes[index].members > 0 ? UInt16(multiple / UInt64(classes.classWeight[index])) : 0
        }
    }

    private static func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 {
        b == 0 ? a : greatestCommonDivisor(b, a % b)
    }

    /// Writes `rank`'s `high` and `low` for its `active`, `scale` and `units`.
    ///
    /// - Complexity: O(1): two multiplications.
    @inlinable
    @inline(__always)
    static func rewrite(_ rank: inout Rank, units: UInt64) {
        let scale = UInt64(rank.scale)
        let scaled = units.multipliedFullWidth(by: scale)
        rank.high = (UInt64(rank.active) &* scale) &<< 16 | scaled.high
        rank.low = scaled.low
    }

    /// Picks the server of least rank, counts the pick in its class's clock, and gives it the
    /// newest stamp from `clock`; `nil` when every server is drained.
    ///
    /// - Complexity: O(n).
    @inlinable
    @inline(__always)
    mutating func pick(classes: inout WeightClassClocks, clock: inout UInt64) -> ServerID? {
        let best = ranks.withUnsafeBufferPointer { Self.least($0) }
        var rank = ranks.base[best]
        if rank.high == .max { return nil }
        if rank.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(best)) }
        rank.active &+= 1
        Self.rewrite(&rank, units: classes.tick(inClass: Int(rank.weightClass)))
        rank.stamp = clock
        clock &+= 1
        ranks.base[best] = rank
        return ServerID(best)
    }

    /// The index of the least rank (`ranks` not empty): the least (`high`, `low`) as one
    /// 128-bit number, then the oldest stamp, selected without branching on the outcome.
    ///
    /// - Complexity: O(n).
    @inlinable
    @inline(__always)
    static func least(_ ranks: UnsafeBufferPointer<Rank>) -> Int {
        var best = 0
        var bestKey = UInt128(ranks[0].high) &<< 64 | UInt128(ranks[0].low)
        var bestStamp = ranks[0].stamp
        var index = 1
        while index < ranks.count {
            let key = UInt128(ranks[index].high) &<< 64 | UInt128(ranks[index].low)
            let stamp = ranks[index].stamp
            let wins = key < bestKey || (key == bestKey && stamp < bestStamp)
            best = wins ? index : best
            bestKey = wins ? key : bestKey
            bestStamp = wins ? stamp : bestStamp
            index &+= 1
        }
        return best
    }

    /// Counts a connection of `server` released: its rank takes its class's round as its
    /// virtual time and the newest stamp.
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    mutating func release(_ server: ServerID, classes: WeightClassClocks, clock: inout UInt64) {
        SelectorMisuse.checkKnown(server, serverCount: ranks.count, in: "release")
        var rank = ranks[server.index]
        if rank.active == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        rank.active &-= 1
        if rank.weightClass >= 0 {
            Self.rewrite(&rank, units: classes.classes[Int(rank.weightClass)].clock.round)
        }
        rank.stamp = clock
        clock &+= 1
        ranks[server.index] = rank
    }

    /// Counts a connection of `server`, chosen by the caller, as a pick of it would.
    ///
    /// - Complexity: O(1).
    @inlinable
    mutating func assign(_ server: ServerID, classes: inout WeightClassClocks, clock: inout UInt64) {
        var rank = ranks[server.index]
        if rank.active == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        rank.active &+= 1
        if rank.weightClass >= 0 { Self.rewrite(&rank, units: classes.tick(inClass: Int(rank.weightClass))) }
        rank.stamp = clock
        clock &+= 1
        ranks[server.index] = rank
    }

    /// What the ranks hold of each server, indexed by server: the input of either layout.
    ///
    /// - Complexity: O(n).
    func states() -> [ServerState] {
        ranks.array.map { rank in
            ServerState(active: rank.active, stamp: rank.stamp, units: rank.scale == 0 ? 0 : Self.units(of: rank))
        }
    }

    /// The units a live server's rank was written with.
    private static func units(of rank: Rank) -> UInt64 {
        let scale = UInt64(rank.scale)
        return scale.dividingFullWidth((high: rank.high & 0xFFFF, low: rank.low)).quotient
    }

    /// The first rank that does not say what its server's state and class say, or `nil`.
    ///
    /// - Complexity: O(n).
    func invariantViolation(classes: WeightClassClocks, scales: [UInt16]) -> String? {
        for (server, rank) in ranks.array.enumerated() {
            let weightClass = Int(classes.classOf[server])
            if Int(rank.weightClass) != weightClass {
                return "server \(server)'s rank says class \(rank.weightClass), it is in class \(weightClass)"
            }
            if weightClass < 0 {
                if rank.high != .max { return "drained server \(server)'s rank is not above every live one" }
                continue
            }
            if rank.scale != scales[weightClass] {
                return "server \(server)'s rank scale \(rank.scale), its class's \(scales[weightClass])"
            }
            var expected = rank
            Self.rewrite(&expected, units: Self.units(of: rank))
            if expected.high != rank.high || expected.low != rank.low {
                return "server \(server)'s rank does not match its \(rank.active) connections"
            }
            if (UInt128(rank.high & 0xFFFF) << 64 | UInt128(rank.low)) % UInt128(rank.scale) != 0 {
                return "server \(server)'s scaled virtual time is not a multiple of its scale"
            }
        }
        return nil
    }
}
