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
/// Every server starts at 0 units. A pick adds one unit, `1 / weight` of virtual time, so
/// among tied servers a weight-4 server comes round four times as often as a weight-1 server:
/// with one connection in flight (every score 0) the picks follow the weights exactly, as
/// stride scheduling does (Waldspurger & Weihl 1995; NGINX's `least_conn` gets the same shares
/// by running smooth weighted round robin among its tied peers). A release does not change a
/// server's units, so a server kept busy by a long connection keeps its place and is repaid
/// when it is free again: with fewer connections than servers the shares still follow the
/// weights. At heavy load the score decides, and the policy is exactly least connections.
///
/// # Weight classes: what keeps the rule O(1) in a bucket list
/// Servers that share a weight form a *class*, and each class has a *clock*: the units most
/// recently given to any of its members. Whenever a member is picked, assigned, released or
/// joins the class, its units become at least the clock, and the clock becomes its units. So
/// within a class (units, stamp) only grows in the order members change, and `buckets` can keep
/// each list in order by appending at its tail, and between two servers of one weight the stamp
/// alone decides (a shortcut `linear-scan` and `min-heap` take; with equal weights the rule is
/// exactly least recently changed). The clock matters only when a member would fall behind a
/// classmate that changed after it: one server per weight (weights 1, 2, 3, 4) runs pure
/// stride scheduling at every load; with several servers of one weight and more than one
/// connection in flight, a member freed late catches up to its class's clock rather than past
/// it, which compresses shares towards equal. A class that loses its last member forgets its
/// clock.
///
/// # Weight changes
/// A server whose weight is set leaves its class and, with weight > 0, joins the class of its
/// new weight at the later of the class's clock and the *global virtual time* — the highest
/// virtual time any pick was made at — so a server returning from a drain gets no backlog of
/// ties; with weight 0 it keeps its units and is never compared.
///
/// Every exact policy (`linear-scan`, `min-heap`, `buckets`) makes exactly these choices,
/// which makes whole runs replayable across implementations.
///
/// - Complexity: pick O(n) with a full sort-free scan; release O(1); `setWeight` O(n).
///   Memory 40 bytes per server. Not meant for production: meant to be obviously right.
/// - Note: Not thread-safe (a policy).
public struct ReferenceLeastConnections: SelectionPolicy {
    public static let isExact = true

    private var active: [Int]
    private var weightOf: [Int]
    private var units: [UInt64]
    private var stamp: [UInt64]
    private var clock: UInt64
    /// The clock of each weight that some server has.
    private var classClock: [Int: UInt64]
    /// The highest virtual time a pick was made at, as (units, weight).
    private var globalUnits: UInt64
    private var globalWeight: Int

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        active = Array(repeating: 0, count: weights.count)
        weightOf = weights
        units = Array(repeating: 0, count: weights.count)
        stamp = (0..<weights.count).map { UInt64($0) }
        clock = UInt64(weights.count)
        classClock = [:]
        for weight in weights where weight > 0 { classClock[weight] = 0 }
        globalUnits = 0
        globalWeight = 1
    }

    public var serverCount: Int { active.count }

    /// Whether `aUnits / aWeight < bUnits / bWeight`.
    private static func isBelow(_ aUnits: Int128, _ aWeight: Int, _ bUnits: Int128, _ bWeight: Int) -> Bool {
        aUnits * Int128(bWeight) < bUnits * Int128(aWeight)
    }

    /// Whether server `a` should be picked before server `b` (both have weight > 0).
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let (activeA, activeB) = (Int128(active[a]), Int128(active[b]))
        if Self.isBelow(activeA, weightOf[a], activeB, weightOf[b]) { return true }
        if Self.isBelow(activeB, weightOf[b], activeA, weightOf[a]) { return false }
        let (unitsA, unitsB) = (Int128(units[a]), Int128(units[b]))
        if Self.isBelow(unitsA, weightOf[a], unitsB, weightOf[b]) { return true }
        if Self.isBelow(unitsB, weightOf[b], unitsA, weightOf[a]) { return false }
        return stamp[a] < stamp[b]
    }

    /// Gives `server` (weight > 0) at least `candidate` units and at least its class's clock,
    /// and makes that the clock.
    private mutating func advanceInClass(_ server: Int, to candidate: UInt64) {
        let weight = weightOf[server]
        units[server] = max(candidate, classClock[weight]!)
        classClock[weight] = units[server]
    }

    private mutating func touch(_ server: Int) {
        stamp[server] = clock
        clock += 1
    }

    public mutating func pick() -> ServerID? {
        let eligible = active.indices.filter { weightOf[$0] > 0 }
        guard let best = eligible.min(by: precedes) else { return nil }
        if Self.isBelow(Int128(globalUnits), globalWeight, Int128(units[best]), weightOf[best]) {
            (globalUnits, globalWeight) = (units[best], weightOf[best])
        }
        active[best] += 1
        advanceInClass(best, to: units[best] + 1)
        touch(best)
        return ServerID(best)
    }

    public mutating func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        guard active[server.index] > 0 else { SelectorMisuse.releaseWithoutConnection(server) }
        active[server.index] -= 1
        if weightOf[server.index] > 0 { advanceInClass(server.index, to: units[server.index]) }
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
            if classClock[weight] == nil { classClock[weight] = 0 }
            // The global virtual time in units of the new weight, rounded up.
            let scaled = Int128(globalUnits) * Int128(weight)
            let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: Int128(globalWeight))
            let limit = Int128(UInt64.max / 2)
            advanceInClass(index, to: UInt64(min(quotient + (remainder == 0 ? 0 : 1), limit)))
        }
        touch(index)
    }

    public func activeConnections(of server: ServerID) -> Int { active[server.index] }

    public func weight(of server: ServerID) -> Int { weightOf[server.index] }
}

extension ReferenceLeastConnections {
    /// The model of `assign`: one more active connection on `server`, its units and stamp
    /// advanced as by a pick (the global virtual time is not: no choice was made). Drained
    /// servers are allowed: their connections still count, their units stay.
    ///
    /// - Complexity: O(1).
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        active[server.index] += 1
        if weightOf[server.index] > 0 { advanceInClass(server.index, to: units[server.index] + 1) }
        touch(server.index)
    }
}
