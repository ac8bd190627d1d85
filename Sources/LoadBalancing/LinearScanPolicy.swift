/// `linear-scan`: an array of per-server counts, scanned for the minimal score on every pick.
///
/// Mirrors NGINX's `least_conn` (a pass over the peers comparing `conns * best.weight <
/// best.conns * weight`) and IPVS's `wlc` (a walk of the service's list). Exact: picks the
/// minimal score, ties broken by the canonical weighted rule of `ReferenceLeastConnections`
/// (earliest virtual time, then oldest stamp), so tied servers share picks in proportion to
/// their weights, as NGINX's smooth weighted rotation among tied peers does.
///
/// # Layout: one segment per weight class
/// Each server is one 24-byte record (count, server id, last-change stamp, virtual time) in one
/// contiguous array, grouped by weight class: class `c`'s records are the segment
/// `records[segmentStart[c] ..< segmentStart[c + 1]]`, and the drained servers (weight 0) the
/// last segment, which a pick never reads. Within a class the weight is one number, so a
/// lower count is a lower score, and virtual time never decreases in stamp order (see
/// `ReferenceLeastConnections`): each segment is scanned comparing (count, stamp) alone, with
/// no multiplication, and only the W segment winners are compared with the whole rule
/// (cross-multiplied scores, then virtual times, then stamps). `slotOf` finds a server's
/// record for a release. The virtual time is in the record, not apart, so that a pick or a
/// release writes one array (one dependent load less on a release: about 6 ns of 20 per pick +
/// release at 8 servers); the weight-class clocks live apart
/// (`WeightClassClocks`), touched once per operation. A segment of `wideSegment` records or
/// more is scanned with two running minima over alternate records (`wideSegmentWinner`), so
/// that the scan is not bound by the latency of one comparison chain (1,024 servers: 0.8 →
/// 0.6 ns per record).
///
/// # Small farms of several weights: ranks
/// A farm of at most `RankedScan.farmLimit` servers with two or more weights whose least
/// common multiple is below 2^16 keeps no segments: each server's place in the whole rule is
/// precomputed as integers (`RankedScan`), and a pick is one flat pass with no class loop and no
/// multiplication. The layout is chosen at construction and again after every `setWeight`
/// (`adoptLayout`); both make the same choices (the differential tests drive both).
///
/// - Complexity: pick O(n + W) for W distinct positive weights; release O(1); `setWeight`
///   O(W): one swap per segment boundary between the old and the new class, plus
///   `WeightClassClocks.reassign` (O(W) and one dictionary lookup); O(n) on a farm of at most
///   `RankedScan.farmLimit` servers, whose layout it may change.
///   Memory: 32 bytes per server (a 24-byte record, a 4-byte slot, a 4-byte weight class),
///   plus about 44 bytes per distinct weight; 36 with ranks (a 32-byte rank, a 4-byte class).
/// - Note: Not thread-safe (a policy); wrap it in `LockedSelector`.
public struct LinearScanPolicy: SelectionPolicy {
    @usableFromInline
    struct Record: BitwiseCopyable {
        @usableFromInline var active: UInt32
        /// The server this record describes.
        @usableFromInline var server: UInt32
        @usableFromInline var stamp: UInt64
        /// The server's virtual time in units of `1 / weight`.
        @usableFromInline var units: UInt64
    }

    public static let isExact = true

    /// Every server's record, grouped by weight class, then the drained ones. Written by every
    /// pick and release, so a `PolicyArray`, kept unique through `owner`.
    @usableFromInline var records: PolicyArray<Record>
    /// Shared with a copy of this policy exactly when `records` and the class clocks are (see
    /// `PolicyArray`): every mutating operation begins with `makeStorageUnique()`.
    @usableFromInline var owner = PolicyStorageOwner()
    /// Set once by `takeExclusiveOwnership()`, inside an owner that never copies the value:
    /// then no operation tests `owner` (see `ExclusivelyOwnablePolicy`).
    @usableFromInline var ownedExclusively = false
    /// `segmentStart[c]` is where class `c`'s records begin, for every class index `c` of
    /// `classes` (a free index has an empty segment); then where the drained records begin,
    /// then the server count.
    @usableFromInline var segmentStart: [Int32]
    /// `slotOf[server]`: the index of `server`'s record in `records`.
    @usableFromInline var slotOf: [Int32]
    @usableFromInline var clock: UInt64
    @usableFromInline var classes: WeightClassClocks
    /// Whether this farm keeps ranks (`ranked`) instead of `records`, `segmentStart` and
    /// `slotOf`, which are then empty.
    @usableFromInline var usesRanks = false
    /// The ranks of a small farm of several weights (see `RankedScan`); empty otherwise.
    @usableFromInline var ranked = RankedScan()

    public init(weights: [Int], seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        classes = WeightClassClocks(weights: weights)
        records = PolicyArray([])
        segmentStart = []
        slotOf = []
        clock = UInt64(weights.count)
        layOut(weights.indices.map { RankedScan.ServerState(active: 0, stamp: UInt64($0), units: 0) })
        _checkInvariants()
    }

    /// Lays `states` (indexed by server) out as ranks when the farm should keep them
    /// (`RankedScan.scales`), otherwise in segments (`layOutInSegments`).
    ///
    /// - Complexity: O(n + W).
    mutating func layOut(_ states: [RankedScan.ServerState]) {
        if let scales = RankedScan.scales(for: classes, serverCount: states.count) {
            ranked = RankedScan(states, classes: classes, scales: scales)
            usesRanks = true
            records = PolicyArray([])
            segmentStart = []
            slotOf = []
            return
        }
        layOutInSegments(states)
    }

    /// Lays `states` (indexed by server) out in segments: a counting sort by class, the
    /// drained (class -1) last, each segment in server order. No ranks are kept.
    ///
    /// - Complexity: O(n + W).
    mutating func layOutInSegments(_ states: [RankedScan.ServerState]) {
        usesRanks = false
        ranked = RankedScan()
        let classCount = classes.classes.count
        var starts = Array(repeating: Int32(0), count: classCount + 2)
        for weightClass in classes.classOf { starts[weightClass < 0 ? classCount + 1 : Int(weightClass) + 1] += 1 }
        for segment in 0...classCount { starts[segment + 1] += starts[segment] }
        var next = starts
        next.removeLast()
        var laidOut = Array(repeating: Record(active: 0, server: 0, stamp: 0, units: 0), count: states.count)
        var slots = Array(repeating: Int32(0), count: states.count)
        for (server, state) in states.enumerated() {
            let weightClass = Int(classes.classOf[server])
            let segment = weightClass < 0 ? classCount : weightClass
            let slot = Int(next[segment])
            next[segment] += 1
            laidOut[slot] = Record(active: state.active, server: UInt32(server), stamp: state.stamp, units: state.units)
            slots[server] = Int32(slot)
        }
        records = PolicyArray(laidOut)
        slotOf = slots
        segmentStart = starts
    }

    /// Every server's state, indexed by server, from whichever layout the farm keeps.
    ///
    /// - Complexity: O(n).
    func serverStates() -> [RankedScan.ServerState] {
        if usesRanks { return ranked.states() }
        var states = Array(repeating: RankedScan.ServerState(active: 0, stamp: 0, units: 0), count: records.count)
        for record in records.array {
            states[Int(record.server)] = RankedScan.ServerState(active: record.active, stamp: record.stamp, units: record.units)
        }
        return states
    }

    @inlinable
    public var serverCount: Int { usesRanks ? ranked.ranks.count : records.count }

    /// Forced inline: behind `LockedSelector` the compiler kept it out of line, and the call's
    /// register saves between the lock's two atomic instructions cost 0.7–0.8 ns at 8 servers.
    @inlinable @inline(__always)
    public mutating func pick() -> ServerID? {
        makeStorageUnique()
        if usesRanks { return pickRanked() }
        let (slot, weightClass) = records.withUnsafeBufferPointer { records in
            segmentStart.withUnsafeBufferPointer { starts in
                classes.classWeight.withUnsafeBufferPointer { weights in Self.scan(records, starts, weights) }
            }
        }
        guard slot >= 0 else { return nil }
        // The scan's slot is in range: read and write it without the index check.
        var record = records.base[slot]
        if record.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(Int(record.server))) }
        record.active &+= 1
        record.units = classes.tick(inClass: weightClass)
        touch(&record)
        records.base[slot] = record
        return ServerID(Int(record.server))
    }

    /// `pick` on a farm that keeps ranks. Out of line, so that the segments' pick, inlined
    /// where it is called, does not carry this one's code.
    @inlinable @inline(never)
    mutating func pickRanked() -> ServerID? {
        ranked.pick(classes: &classes, clock: &clock)
    }

    /// `release` on a farm that keeps ranks, out of line like `pickRanked`.
    @inlinable @inline(never)
    mutating func releaseRanked(_ server: ServerID) {
        ranked.release(server, classes: classes, clock: &clock)
    }

    /// The slot and class of the record a pick takes (-1 when every server is drained):
    /// minimal score, then earliest virtual time, then oldest stamp. Each class segment is
    /// scanned comparing (count, stamp) as one 128-bit key, which orders one class as the
    /// whole rule does; the segment winners are then compared with the whole rule.
    ///
    /// - Complexity: O(n + W).
    @inlinable
    @inline(__always)
    static func scan(
        _ records: UnsafeBufferPointer<Record>, _ starts: UnsafeBufferPointer<Int32>,
        _ weights: UnsafeBufferPointer<UInt32>
    ) -> (slot: Int, weightClass: Int) {
        var best = -1
        var bestClass = -1
        // The last entry of `starts` ends the drained segment, which is not scanned.
        for weightClass in 0..<(starts.count &- 2) {
            let start = Int(starts[weightClass])
            let end = Int(starts[weightClass &+ 1])
            if start == end { continue }
            let winner = segmentWinner(records, from: start, to: end)
            if best >= 0 {
                // The best so far is read back (from L1) rather than kept: fewer values live
                // across the loop, so none spill to the stack and back on every class.
                let record = records[winner]
                let held = records[best]
                if !VirtualTime.serverPrecedes(
                    record.active, weights[weightClass], record.units, record.stamp,
                    held.active, weights[bestClass], held.units, held.stamp) {
                    continue
                }
            }
            best = winner
            bestClass = weightClass
        }
        return (best, bestClass)
    }

    /// The slot of the least (count, stamp) among `records[start ..< end]` (not empty).
    /// Segments of `wideSegment` records or more go to `wideSegmentWinner`.
    ///
    /// - Complexity: O(end - start).
    @inlinable
    @inline(__always)
    static func segmentWinner(_ records: UnsafeBufferPointer<Record>, from start: Int, to end: Int) -> Int {
        if end &- start >= wideSegment { return wideSegmentWinner(records, from: start, to: end) }
        var best = start
        var bestKey = key(records, start)
        var slot = start &+ 1
        while slot < end {
            let next = key(records, slot)
            // Selected without a branch: which record wins is unpredictable.
            let wins = next < bestKey
            best = wins ? slot : best
            bestKey = wins ? next : bestKey
            slot &+= 1
        }
        return best
    }

    /// The fewest records for which `segmentWinner` calls `wideSegmentWinner`: below it, the
    /// call and the final comparison cost more than the second chain saves, and the simple
    /// loop keeps the pick small enough to stay inlined where it is called.
    @usableFromInline static let wideSegment = 16

    /// `segmentWinner` with two running minima, over alternate records, compared at the end:
    /// two independent chains of comparisons instead of one, so the scan is not bound by one
    /// comparison's latency per record (about 0.6 ns per record instead of 0.8 here). Keys
    /// are distinct (stamps are), so the winner is the same.
    ///
    /// - Precondition: at least 2 records (`end - start >= 2`).
    /// - Complexity: O(end - start).
    @usableFromInline
    @inline(never)
    static func wideSegmentWinner(_ records: UnsafeBufferPointer<Record>, from start: Int, to end: Int) -> Int {
        var best = start
        var bestKey = key(records, start)
        var other = start &+ 1
        var otherKey = key(records, other)
        var slot = start &+ 2
        while slot &+ 1 < end {
            let key0 = key(records, slot)
            let key1 = key(records, slot &+ 1)
            let wins0 = key0 < bestKey
            best = wins0 ? slot : best
            bestKey = wins0 ? key0 : bestKey
            let wins1 = key1 < otherKey
            other = wins1 ? slot &+ 1 : other
            otherKey = wins1 ? key1 : otherKey
            slot &+= 2
        }
        if slot < end {
            let last = key(records, slot)
            let wins = last < bestKey
            best = wins ? slot : best
            bestKey = wins ? last : bestKey
        }
        return otherKey < bestKey ? other : best
    }

    /// The (count, stamp) key of the record at `slot`: within one class it orders records as
    /// the whole rule does.
    @inlinable
    @inline(__always)
    static func key(_ records: UnsafeBufferPointer<Record>, _ slot: Int) -> UInt128 {
        UInt128(records[slot].active) &<< 64 | UInt128(records[slot].stamp)
    }

    @inlinable
    public mutating func release(_ server: ServerID) {
        makeStorageUnique()
        if usesRanks { return releaseRanked(server) }
        SelectorMisuse.checkKnown(server, serverCount: records.count, in: "release")
        let slot = Int(slotOf[server.index])
        var record = records[slot]
        if record.active == 0 { SelectorMisuse.releaseWithoutConnection(server) }
        record.active &-= 1
        if classes.classOf[server.index] >= 0 { record.units = classes.round(server.index) }
        touch(&record)
        records[slot] = record
    }

    /// - Complexity: O(W): the record moves from its class's segment to its new class's, one
    ///   swap per boundary between them.
    public mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        makeStorageUnique()
        // A farm that keeps ranks is laid out in segments for the move, then laid out again.
        let smallFarm = serverCount <= RankedScan.farmLimit
        if usesRanks { layOutInSegments(ranked.states()) }
        let index = server.index
        let oldClass = Int(classes.classOf[index])
        let joined = classes.reassign(index, to: UInt32(weight))
        // A new class index gets an empty segment just before the drained one.
        while segmentStart.count < classes.classes.count + 2 {
            segmentStart.insert(segmentStart[segmentStart.count - 2], at: segmentStart.count - 2)
        }
        let newClass = Int(classes.classOf[index])
        let drained = classes.classes.count
        moveRecord(of: index, from: oldClass < 0 ? drained : oldClass, to: newClass < 0 ? drained : newClass)
        if let joined { records[Int(slotOf[index])].units = joined }
        touch(Int(slotOf[index]))
        if smallFarm { layOut(serverStates()) }
        _checkInvariants()
    }

    /// Moves `server`'s record from segment `from` to segment `to`, one boundary at a time: the
    /// record swaps with the last record of its segment (or the first, going down) and the
    /// boundary moves past it.
    ///
    /// - Complexity: O(|to - from|).
    private mutating func moveRecord(of server: Int, from: Int, to: Int) {
        var slot = Int(slotOf[server])
        var segment = from
        while segment < to {
            let last = Int(segmentStart[segment + 1]) - 1
            swapRecords(slot, last)
            slot = last
            segmentStart[segment + 1] -= 1
            segment += 1
        }
        while segment > to {
            let first = Int(segmentStart[segment])
            swapRecords(slot, first)
            slot = first
            segmentStart[segment] += 1
            segment -= 1
        }
    }

    /// Swaps two records and records their new slots.
    private mutating func swapRecords(_ a: Int, _ b: Int) {
        guard a != b else { return }
        records.swapAt(a, b)
        slotOf[Int(records[a].server)] = Int32(a)
        slotOf[Int(records[b].server)] = Int32(b)
    }

    /// Makes this policy the only holder of its `PolicyArray`s (`records` and the class
    /// clocks), copying them if a copy of the policy shares them: one uniqueness test for both.
    ///
    /// - Complexity: O(1), or O(n) after the policy was copied.
    @inlinable
    @inline(__always)
    mutating func makeStorageUnique() {
        if ownedExclusively { return }
        if _slowPath(!isKnownUniquelyReferenced(&owner)) { copyStorage() }
    }

    /// Gives `records` and the class clocks storage of their own, then a new owner.
    @usableFromInline
    mutating func copyStorage() {
        records = records.copy()
        ranked.ranks = ranked.ranks.copy()
        classes.copyArrays()
        owner = PolicyStorageOwner()
    }

    /// Gives the record at `slot` the newest stamp.
    @inlinable
    mutating func touch(_ slot: Int) {
        records[slot].stamp = clock
        clock &+= 1
    }

    /// Gives `record`, a copy about to be stored back, the newest stamp.
    @inlinable
    @inline(__always)
    mutating func touch(_ record: inout Record) {
        record.stamp = clock
        clock &+= 1
    }

    public func activeConnections(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "activeConnections")
        if usesRanks { return Int(ranked.ranks[server.index].active) }
        return Int(records[Int(slotOf[server.index])].active)
    }

    public func weight(of server: ServerID) -> Int {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "weight")
        let weightClass = Int(classes.classOf[server.index])
        return weightClass < 0 ? 0 : Int(classes.classWeight[weightClass])
    }
}

extension LinearScanPolicy {
    /// Counts one more active connection on `server`, chosen by the caller, in its class's
    /// clock and its stamp as a pick of it would.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        makeStorageUnique()
        if usesRanks { return ranked.assign(server, classes: &classes, clock: &clock) }
        let slot = Int(slotOf[server.index])
        var record = records[slot]
        if record.active == UInt32.max { SelectorMisuse.tooManyConnections(server) }
        record.active &+= 1
        if classes.classOf[server.index] >= 0 { record.units = classes.tick(server.index) }
        touch(&record)
        records[slot] = record
    }
}

extension LinearScanPolicy: ExclusivelyOwnablePolicy {
    package mutating func takeExclusiveOwnership() {
        makeStorageUnique()
        ownedExclusively = true
    }
}
