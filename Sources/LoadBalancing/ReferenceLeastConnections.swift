/// The trivially correct weighted least-connections model that every exact policy is checked
/// against, and the definition of the canonical tie rule.
///
/// A pick goes to the server with weight > 0 that minimizes, in order:
/// 1. its score `active / weight`, compared exactly (128-bit cross-multiplication here, so
///    the model shares no arithmetic with `Score` or `VirtualTime`);
/// 2. its *virtual time* `units / weight`, compared the same way;
/// 3. its *last-change stamp*: a counter value recorded whenever the server was picked,
///    released or had its weight set. Initially server `i` has stamp `i`.
///
/// # Virtual time: ties in proportion to weight
/// Servers that share a weight form a *class*, and each class has a clock counting *rounds*:
/// a round ends after as many picks of the class's members as the class has members, and
/// a round is `1 / weight` of virtual time. Whenever a member is picked, assigned, released or
/// joins the class its *units* (its virtual time in `1 / weight`) become the class's round,
/// after the pick is counted (`ClassClock`). So a class's virtual time grows by
/// `1 / (weight × members)` per pick whichever member takes it, and among tied servers a class
/// comes round in proportion to `weight × members`: with one connection in flight (every
/// score 0) each server's share of the picks is its weight's share, as in stride scheduling
/// (Waldspurger & Weihl 1995; NGINX's `least_conn` gets the same shares by running smooth
/// weighted round robin among its tied peers). A member that is busy does not stop its class's
/// clock: its classmates take the class's turns, so with more connections in flight, and
/// with many servers per weight, the shares still follow the weights (the drift towards equal
/// shares that per-server clocks gave is gone). With one server per weight this is exactly
/// stride scheduling: a pick adds one unit, a release keeps the units. At heavy load the score
/// decides, and the policy is exactly least connections.
///
/// Within a class the round never decreases, so (units, stamp) only grows in the order members
/// change: `buckets` keeps each list in order by appending at its tail, and between two servers
/// of one weight the stamp alone decides (a shortcut `linear-scan` and `min-heap` take; with
/// equal weights the rule is exactly least recently changed). A class that loses its last
/// member forgets its clock.
///
/// # Weight changes
/// A server whose weight is set leaves its class and, with weight > 0, joins the class of its
/// new weight, whose round is first lifted to the *latest virtual time* of any class (rounded
/// up to whole units of the new weight; the classes counted after the server left its old one),
/// so a server returning from a drain gets no backlog of ties; with weight 0 it keeps its units
/// and is never compared.
///
/// Every exact policy (`linear-scan`, `min-heap`, `buckets`) makes exactly these choices,
/// which makes whole runs replayable across implementations.
///
/// - Complexity: pick O(n) with a full sort-free scan (and a count of the class's members);
///   release O(1); `assign` and `setWeight` O(n).
///   Memory 32 bytes per server (count, weight, units, stamp: 8 bytes each), plus a
///   dictionary entry per distinct weight. Not meant for production: meant to be obviously
///   right.
/// - Note: Not thread-safe (a policy).
public struct ReferenceLeastConnections: SelectionPolicy {
    public static let isExact = true

    private var active: [Int]
    private var weightOf: [Int]
    private var units: [UInt64]
    private var stamp: [UInt64]
    private var clock: UInt64
    /// The clock of each weight that some server has: (round, picks in the round).
    private var classClock: [Int: (round: UInt64, picks: Int)]

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        active = Array(repeating: 0, count: weights.count)
        weightOf = weights
        units = Array(repeating: 0, count: weights.count)
        stamp = (0..<weights.count).map { UInt64($0) }
        clock = UInt64(weights.count)
        classClock = [:]
        for weight in weights where weight > 0 { classClock[weight] = (0, 0) }
    }

    public var serverCount: Int { active.count }

    /// Whether `aUnits / aWeight < bUnits / bWeight` (weights > 0), compared exactly as full-width
    /// products (concrete integer operations: a debug build's differential tests call this
    /// millions of times, where `Int128`'s generic conversions cost several times more).
    private static func isBelow(_ aUnits: UInt64, _ aWeight: Int, _ bUnits: UInt64, _ bWeight: Int) -> Bool {
        let left = aUnits.multipliedFullWidth(by: UInt64(bWeight))
        let right = bUnits.multipliedFullWidth(by: UInt64(aWeight))
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    /// Whether server `a` should be picked before server `b` (both have weight > 0).
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let (activeA, activeB) = (UInt64(active[a]), UInt64(active[b]))
        if Self.isBelow(activeA, weightOf[a], activeB, weightOf[b]) { return true }
        if Self.isBelow(activeB, weightOf[b], activeA, weightOf[a]) { return false }
        let (unitsA, unitsB) = (units[a], units[b])
        if Self.isBelow(unitsA, weightOf[a], unitsB, weightOf[b]) { return true }
        if Self.isBelow(unitsB, weightOf[b], unitsA, weightOf[a]) { return false }
        return stamp[a] < stamp[b]
    }

    /// Counts a pick of `server` (weight > 0) in its class's clock: a round ends after as many
    /// picks as the class has members. The server's units become the round.
    private mutating func countPick(_ server: Int) {
        let weight = weightOf[server]
        var clock = classClock[weight]!
        clock.picks += 1
        if clock.picks >= weightOf.filter({ $0 == weight }).count { (clock.round, clock.picks) = (clock.round + 1, 0) }
        classClock[weight] = clock
        units[server] = clock.round
    }

    private mutating func touch(_ server: Int) {
        stamp[server] = clock
        clock += 1
    }

    public mutating func pick() -> ServerID? {
        let eligible = active.indices.filter { weightOf[$0] > 0 }
        guard let best = eligible.min(by: precedes) else { return nil }
        active[best] += 1
        countPick(best)
        touch(best)
        return ServerID(best)
    }

    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        guard active[server.index] > 0 else { SelectorMisuse.releaseWithoutConnection(server) }
        active[server.index] -= 1
        if weightOf[server.index] > 0 { units[server.index] = classClock[weightOf[server.index]]!.round }
        touch(server.index)
    }

    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let index = server.index
        let old = weightOf[index]
        if old > 0 && !weightOf.indices.contains(where: { $0 != index && weightOf[$0] == old }) {
            classClock[old] = nil
        }
        weightOf[index] = weight
        if weight > 0 {
            // The latest virtual time of the classes that remain, as (units, weight).
            var latest: (units: UInt64, weight: Int) = (0, 1)
            for (classWeight, clock) in classClock
            where Self.isBelow(latest.units, latest.weight, clock.round, classWeight) {
                latest = (clock.round, classWeight)
            }
            // In units of the new weight, rounded up.
            let scaled = Int128(latest.units) * Int128(weight)
            let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: Int128(latest.weight))
            let start = UInt64(min(quotient + (remainder == 0 ? 0 : 1), Int128(UInt64.max / 2)))
            var clock = classClock[weight] ?? (0, 0)
            clock.round = max(clock.round, start)
            classClock[weight] = clock
            units[index] = clock.round
        }
        touch(index)
    }

    public func activeConnections(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "activeConnections")
        return active[server.index]
    }

    public func weight(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "weight")
        return weightOf[server.index]
    }
}

extension ReferenceLeastConnections {
    /// The model of `assign`: one more active connection on `server`, counted in its class's
    /// clock and its stamp advanced as by a pick. Drained servers are allowed: their
    /// connections still count, their units stay.
    ///
    /// - Complexity: O(1).
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        active[server.index] += 1
        if weightOf[server.index] > 0 { countPick(server.index) }
        touch(server.index)
    }
}
