/// The servers of one `MinHeapPolicy`: an indexed d-ary min-heap per weight class, keyed
/// within a class by (active connections, last-change stamp), and a tournament over the class
/// roots (`ClassTournament`) compared with the whole key (score `active/weight`, virtual time
/// `units/weight`, stamp), with a position map so that any server can be found and
/// repositioned in O(log n).
///
/// # Why one heap per class
/// Within one weight class the score orders as the count does, and virtual time never
/// decreases in stamp order (each member takes its class's round, which never goes back, see
/// `ReferenceLeastConnections`), so (active, stamp) orders the members exactly as the whole key
/// does: each class heap sifts with `precedesWithOneWeight`, two integer comparisons and no
/// multiplication, even when the servers have many weights. Only the W class roots are compared
/// with the whole key (`precedes`), O(log W) of them per change of a root (none with one
/// weight class). At light load,
/// where every score ties and every comparison across weights needs virtual times, that keeps
/// the multiplications out of the sifts.
///
/// # Layout
/// All class heaps share one array, `nodes`: class `c`'s heap is the region
/// `nodes[regions[c].base...]` of `regions[c].count` nodes (so a pick reads one array, as with
/// a single heap); every node's key is
/// greater than its parent's, where the parent of slot `i` is `(i - 1) / arity` (Williams
/// 1964, generalized to d children by Johnson 1975). `drained` holds the servers of
/// weight 0 in no particular order, so a server's count always lives in its node, whether or
/// not it can be picked; a node's weight is its class's (kept with the class's region, 0 for
/// `drained`), not in the node, so that a node is 24 bytes and a sift moves less.
/// `positions[server]` is the slot of that server's node in
/// its class heap (or in `drained`); which class is `WeightClassClocks.classOf`, which the
/// policy hands in.
///
/// Keys are copied into the nodes rather than looked up through the server id, so comparing
/// the `arity` children of a slot reads one contiguous run of memory. Stamps are unique, so
/// keys are totally ordered and the tournament's winner is the one server the canonical tie
/// rule of `ReferenceLeastConnections` picks. The heaps do not compute virtual times: the
/// policy hands each changed node its new units.
///
/// - Complexity: the next pick's node O(1); changing one server's key O(log n) (a sift in its
///   class heap, O(log W) root comparisons when the class's root changes).
///   Memory: 28 bytes per server (a 24-byte node and a 4-byte position) as laid out by `init`.
///   After weight changes, for m servers of positive weight in W classes with members, at
///   most 4 × (m + W) node slots, and storage for at most twice the slots (the array's
///   doubling). That holds after every operation because each class's region has room for at
///   most `room(for:)` its members, max(4, 2 × members) ≤ 2 × members + 2 (a server joining a
///   full class moves the region to the end of `nodes` with that room; a server leaving gives
///   up the region's tail beyond it, in place), and the slots in no region never outnumber
///   those in regions (`compactIfMostlyDead`). Per class index: a 16-byte region (with the
///   class's weight) and 64 bytes of tournament (two entries with a class root's key).
/// - Note: Not thread-safe: a value owned by one `MinHeapPolicy`.
struct ClassHeaps {
    /// One server with its key.
    struct Node {
        /// Active connections.
        var active: UInt32
        /// The server this node describes.
        var server: Int32
        /// The virtual time in units of `1 / weight`, the first tie-breaker.
        var units: UInt64
        /// The last-change stamp, which breaks ties between equal scores and virtual times.
        var stamp: UInt64
    }

    /// Children per node. Measured with the `SingleThread` benchmark suite (release build,
    /// `min-heap/servers:n`, pick then release through `SelectorKind`, median ns per pair,
    /// one run each on a shared 2-core x86-64 VM):
    ///
    /// | arity | 8 | 64 | 1,024 | 100,000 servers |
    /// |---|---|---|---|---|
    /// | 2 | 41 | 52 | 69 | 167 |
    /// | 4 | 44 | 51 | 63 | 116 |
    /// | 8 | 42 | 53 | 69 | 112 |
    ///
    /// Each pick sifts the root to the bottom; with 24-byte nodes four children span at most
    /// two cache lines and the depth halves against 2-ary, so 4 is kept: best at 1,024 servers,
    /// within noise of 8 at 100,000. (Measured with 24-byte nodes and one heap for all classes,
    /// before the virtual time.)
    static let arity = 4

    /// Where one class's heap lies in `nodes`: `nodes[base ..< base + count]`, with room up
    /// to `base + capacity`; and the class's weight, every member's.
    struct Region {
        var base: Int32
        var count: Int32
        var capacity: Int32
        var weight: UInt32

        /// No room, no members (a class index not in use).
        static let empty = Region(base: 0, count: 0, capacity: 0, weight: 0)
    }

    /// Every class's heap, each a region of its own (`regions`), and slots in none. Written by
    /// every pick and release, so a `PolicyArray` (the policy keeps it unique: `copyArrays`).
    var nodes: PolicyArray<Node>
    /// `regions[c]`: where class `c`'s heap lies; empty for a class index not in use.
    var regions: [Region]
    /// The slots of `nodes` in no region: left behind when a full region moved to the end,
    /// when a region gave up its tail, or when its class emptied. Compacted away once they are
    /// more than half the array.
    var deadSlots: Int
    /// The servers of weight 0, in no particular order.
    var drained: [Node]
    /// `positions[server]`: the slot of `server`'s node within its class's region (from its
    /// base), or in `drained`. A `PolicyArray`, as `nodes`.
    var positions: PolicyArray<Int32>
    /// The winner among the class roots: the class the next pick goes to.
    var tournament: ClassTournament

    /// `weights.count` servers with no active connections and virtual time 0, where server `i`
    /// has stamp `i`, each in the heap of its class `classOf[i]` (-1: drained).
    ///
    /// The regions are laid out tight, one after another in class order, and each class heap
    /// in index order: all counts are 0 and stamps increase along it, so it is sorted and
    /// therefore already a heap.
    ///
    /// - Precondition: `weights` passed `WeightValidation`; `classOf` and `classCount` are
    ///   `WeightClassClocks`'s for them.
    /// - Complexity: O(n).
    init(weights: [Int], classOf: [Int32], classCount: Int) {
        var members = Array(repeating: Int32(0), count: classCount)
        for weightClass in classOf where weightClass >= 0 { members[Int(weightClass)] += 1 }
        var base: Int32 = 0
        regions = members.map { count in
            defer { base += count }
            return Region(base: base, count: 0, capacity: count, weight: 0)
        }
        nodes = PolicyArray(repeating: Self.filler, count: Int(base))
        deadSlots = 0
        drained = []
        positions = PolicyArray(repeating: 0, count: weights.count)
        for (server, weight) in weights.enumerated() {
            let node = Node(active: 0, server: Int32(server), units: 0, stamp: UInt64(server))
            let weightClass = Int(classOf[server])
            if weightClass < 0 {
                positions[server] = Int32(drained.count)
                drained.append(node)
            } else {
                let region = regions[weightClass]
                positions[server] = region.count
                nodes[Int(region.base + region.count)] = node
                regions[weightClass].count += 1
                regions[weightClass].weight = UInt32(weight)
            }
        }
        tournament = ClassTournament(classCount: classCount)
        for weightClass in regions.indices where regions[weightClass].count > 0 { rootChanged(weightClass) }
    }

    /// What a slot in no class's heap holds.
    static let filler = Node(active: 0, server: -1, units: 0, stamp: 0)

    /// The node of `server`, in class `weightClass` (-1: drained).
    func node(of server: Int, inClass weightClass: Int) -> Node {
        let slot = Int(positions[server])
        return weightClass < 0 ? drained[slot] : nodes[Int(regions[weightClass].base) + slot]
    }

    /// The heap of class `weightClass`, in slot order.
    func heap(ofClass weightClass: Int) -> [Node] {
        guard weightClass < regions.count else { return [] }
        return nodes(of: regions[weightClass])
    }

    /// A copy of the nodes of `region`'s heap.
    private func nodes(of region: Region) -> [Node] {
        nodes.withUnsafeBufferPointer { Array($0[Int(region.base) ..< Int(region.base + region.count)]) }
    }

    /// Gives `nodes`, `positions` and the tournament storage of their own, for a policy that
    /// found its arrays shared with a copy of it (see `PolicyArray`).
    ///
    /// - Complexity: O(n + W).
    mutating func copyArrays() {
        nodes = nodes.copy()
        positions = positions.copy()
        tournament.copyArrays()
    }

    /// The class the next pick goes to; -1 when every server is drained.
    var winningClass: Int { tournament.winner }

    /// Whether node `a` is picked before node `b` of the same weight class: fewer active
    /// connections, then older stamp (the score and virtual-time orders then follow these; the
    /// tournament compares class roots by the whole key instead). Written with
    /// short-circuit branches, not as one branch-free comparison of 128-bit (active, stamp)
    /// keys: at light load the counts compare the same way pick after pick (the sifted root
    /// 1, every other server 0), so the branches are predicted; on an Intel Xeon VM the
    /// branch-free form made a 1,024-server pick + release 1.4–1.6× slower than before the tie
    /// rule, this form 0.90–1.07× (`docs/tie-rule-cost.md`).
    @inline(__always)
    static func precedesWithOneWeight(_ a: Node, _ b: Node) -> Bool {
        a.active < b.active || (a.active == b.active && a.stamp < b.stamp)
    }

    /// The slot of the parent of `slot` (> 0).
    @inline(__always)
    static func parent(of slot: Int) -> Int { (slot &- 1) / arity }

    /// The slot of the first child of `slot`.
    @inline(__always)
    static func firstChild(of slot: Int) -> Int { slot &* arity &+ 1 }

    /// Counts one more connection on the root of class `weightClass` (which has members),
    /// gives it `units` and `stamp`, moves it down to its place, and returns its server.
    ///
    /// The root's count strictly grows, so it can only move down.
    ///
    /// - Complexity: O(arity · log_arity n + log W).
    @inline(__always)
    mutating func incrementRoot(ofClass weightClass: Int, units: UInt64, stamp: UInt64) -> Int32 {
        let server = withClass(weightClass) { nodes, count, positions in
            var root = nodes[0]
            if root.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(Int(root.server))) }
            root.active &+= 1
            root.units = units
            root.stamp = stamp
            Self.siftDown(root, from: 0, count: count, nodes, positions)
            return root.server
        }
        rootChanged(weightClass)
        return server
    }

    /// Counts one more connection on `server` of class `weightClass` (-1: drained), wherever
    /// it is, and gives it `units` (unless `nil`: a drained server keeps its units) and `stamp`.
    ///
    /// The count strictly grows, so a server in a heap can only move down.
    ///
    /// - Complexity: O(arity · log_arity n + log W).
    mutating func increment(_ server: Int, inClass weightClass: Int, units: UInt64?, stamp: UInt64) {
        let slot = Int(positions[server])
        guard weightClass >= 0 else {
            if drained[slot].active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(server)) }
            drained[slot].active &+= 1
            drained[slot].stamp = stamp
            return
        }
        withClass(weightClass) { nodes, count, positions in
            var node = nodes[slot]
            if node.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(server)) }
            node.active &+= 1
            if let units { node.units = units }
            node.stamp = stamp
            Self.siftDown(node, from: slot, count: count, nodes, positions)
        }
        // Only the root moving down changes the class's root.
        if slot == 0 { rootChanged(weightClass) }
    }

    /// Counts one fewer connection on `server` of class `weightClass` (-1: drained) and gives
    /// it `units` (ignored when drained: the server keeps its units) and `stamp`.
    ///
    /// The count strictly shrinks, so a server in a heap can only move up.
    ///
    /// - Complexity: O(log_arity n), plus O(log W) when it becomes its class's root.
    @inline(__always)
    mutating func decrement(_ server: Int, inClass weightClass: Int, units: UInt64, stamp: UInt64) {
        let slot = Int(positions[server])
        guard weightClass >= 0 else {
            if drained[slot].active == 0 { SelectorMisuse.releaseWithoutConnection(ServerID(server)) }
            drained[slot].active &-= 1
            drained[slot].stamp = stamp
            return
        }
        let landed = withClass(weightClass) { nodes, _, positions in
            var node = nodes[slot]
            if node.active == 0 { SelectorMisuse.releaseWithoutConnection(ServerID(server)) }
            node.active &-= 1
            node.units = units
            node.stamp = stamp
            return Self.siftUp(node, from: slot, nodes, positions)
        }
        if landed == 0 { rootChanged(weightClass) }
    }

    /// Takes `server` out of class `weightClass` (-1: drained) and returns its node: the last
    /// node of that heap (or of `drained`) fills its slot. A class left empty gives up its
    /// region, and one left with more room than `room(for:)` its members the tail beyond it,
    /// in place (at most 2 slots: the room was within `room(for:)` one more member); either
    /// may compact `nodes`.
    ///
    /// - Complexity: O(arity · log_arity n + log W), plus a compaction when dead slots come to
    ///   outnumber the others: amortized O(1) slots copied (each operation leaves amortized
    ///   O(1) slots dead) and O(W) regions visited.
    mutating func remove(_ server: Int, fromClass weightClass: Int) -> Node {
        let slot = Int(positions[server])
        guard weightClass >= 0 else {
            let node = drained[slot]
            let last = drained.removeLast()
            if slot < drained.count {
                drained[slot] = last
                positions[Int(last.server)] = Int32(slot)
            }
            return node
        }
        let region = regions[weightClass]
        let node = nodes[Int(region.base) + slot]
        let last = nodes[Int(region.base + region.count) - 1]
        let count = Int(region.count) - 1
        regions[weightClass].count = Int32(count)
        if count == 0 {
            deadSlots += Int(region.capacity)
            regions[weightClass] = .empty
        } else {
            if slot < count {
                withClass(weightClass) { nodes, count, positions in Self.reposition(last, at: slot, count: count, nodes, positions) }
            }
            let room = Self.room(for: count)
            if Int(region.capacity) > room {
                deadSlots += Int(region.capacity) - room
                regions[weightClass].capacity = Int32(room)
            }
        }
        compactIfMostlyDead()
        rootChanged(weightClass)
        return node
    }

    /// The most room a class's region has for `count` members: what a full region of `count`
    /// moves out with (for them and the one joining), and what a region keeps when a member
    /// leaves. Twice the members, so that filling a region laid out with it takes as many
    /// joins as moving it then copies nodes, and at least 4.
    @inline(__always)
    static func room(for count: Int) -> Int { Swift.max(4, 2 * count) }

    /// Puts `node` (whose server is in no heap) into class `weightClass` of weight `weight`
    /// (-1 and 0: drained), which may be a class index not seen before.
    ///
    /// - Complexity: O(log_arity n + log W); amortized O(1) more for moving a full region, and
    ///   a compaction as in `remove`.
    mutating func insert(_ node: Node, intoClass weightClass: Int, weight: UInt32) {
        let server = Int(node.server)
        guard weightClass >= 0 else {
            positions[server] = Int32(drained.count)
            drained.append(node)
            return
        }
        if weightClass >= regions.count {
            regions.append(contentsOf: repeatElement(Region.empty, count: weightClass + 1 - regions.count))
        }
        regions[weightClass].weight = weight
        if regions[weightClass].count == regions[weightClass].capacity { moveToEnd(weightClass) }
        regions[weightClass].count += 1
        let landed = withClass(weightClass) { nodes, count, positions in Self.siftUp(node, from: count &- 1, nodes, positions) }
        if landed == 0 { rootChanged(weightClass) }
    }

    /// Moves class `weightClass`'s full region to the end of `nodes`, with `room(for:)` its
    /// members, then compacts `nodes` if over half of it is dead. Positions are relative to
    /// the region's base, so they stay.
    ///
    /// - Complexity: O(count) (amortized against the inserts that filled the region, which had
    ///   room for twice its members when last laid out, or is `init`'s), or O(n + W) when
    ///   compacting (amortized against the operations that left the dead slots).
    private mutating func moveToEnd(_ weightClass: Int) {
        let region = regions[weightClass]
        let capacity = Self.room(for: Int(region.count))
        let base = nodes.count
        nodes.append(contentsOf: nodes(of: region))
        nodes.append(contentsOf: repeatElement(Self.filler, count: capacity - Int(region.count)))
        deadSlots += Int(region.capacity)
        regions[weightClass] = Region(
            base: Int32(base), count: region.count, capacity: Int32(capacity), weight: region.weight)
        compactIfMostlyDead()
    }

    /// Compacts `nodes` if more of its slots are dead than in regions, so that after every
    /// operation the dead slots are at most as many as the regions' (see the type's memory
    /// bound). Each caller has just made slots dead.
    ///
    /// - Complexity: O(1), or O(n + W) when it compacts.
    @inline(__always)
    private mutating func compactIfMostlyDead() {
        if deadSlots * 2 > nodes.count { compact() }
    }

    /// Lays the regions out again one after another, without dead slots, each with the room it
    /// had (within `room(for:)` its count already: `remove` and `moveToEnd` keep it so).
    ///
    /// - Complexity: O(n + W).
    private mutating func compact() {
        var compacted = PolicyArray<Node>([])
        compacted.reserveCapacity(nodes.count - deadSlots)
        for weightClass in regions.indices where regions[weightClass].capacity > 0 {
            let region = regions[weightClass]
            regions[weightClass].base = Int32(compacted.count)
            compacted.append(contentsOf: nodes(of: region))
            compacted.append(contentsOf: repeatElement(Self.filler, count: Int(region.capacity - region.count)))
        }
        nodes = compacted
        deadSlots = 0
    }

    /// Replays class `weightClass`'s matches in the tournament after its root changed (or its
    /// heap emptied).
    ///
    /// - Complexity: O(log W); O(1) with one class.
    @inline(__always)
    private mutating func rootChanged(_ weightClass: Int) {
        nodes.withUnsafeBufferPointer { nodes in
            regions.withUnsafeBufferPointer { regions in
                tournament.update(weightClass, roots: ClassRoots(nodes: nodes, regions: regions))
            }
        }
    }

    /// Runs `body` on class `weightClass`'s heap storage (with its count, at least 1) and the
    /// position map, so that a sift's writes go to raw storage without index checks (the
    /// `PolicyArray`s check no uniqueness: the policy did, once per operation).
    @inline(__always)
    private mutating func withClass<Result>(
        _ weightClass: Int, _ body: (UnsafeMutablePointer<Node>, Int, UnsafeMutablePointer<Int32>) -> Result
    ) -> Result {
        let region = regions[weightClass]
        return nodes.withUnsafeMutableBufferPointer { nodes in
            positions.withUnsafeMutableBufferPointer { positions in
                // The class has members, and so there is at least one server.
                body(
                    nodes.baseAddress.unsafelyUnwrapped + Int(region.base), Int(region.count),
                    positions.baseAddress.unsafelyUnwrapped)
            }
        }
    }
}

/// The root node of each class with members, read from the heaps' storage.
struct ClassRoots {
    let nodes: UnsafeBufferPointer<ClassHeaps.Node>
    let regions: UnsafeBufferPointer<ClassHeaps.Region>

    /// Whether class `weightClass` has members.
    @inline(__always)
    func isPresent(_ weightClass: Int) -> Bool { regions[weightClass].count > 0 }

    /// The root of class `weightClass`, which has members.
    @inline(__always)
    subscript(weightClass: Int) -> ClassHeaps.Node { nodes[Int(regions[weightClass].base)] }

    /// The weight of class `weightClass`, which has members.
    @inline(__always)
    func weight(_ weightClass: Int) -> UInt32 { regions[weightClass].weight }

    /// The number of class indices (regions), present or not.
    var classCount: Int { regions.count }

    /// Class `weightClass`'s tournament entry: its root's key, or none when it has no members
    /// (or is an index past the regions).
    @inline(__always)
    func entry(_ weightClass: Int) -> ClassTournament.Entry {
        guard weightClass < regions.count && isPresent(weightClass) else { return .none }
        let root = self[weightClass]
        return ClassTournament.Entry(
            weightClass: Int32(truncatingIfNeeded: weightClass), active: root.active, weight: weight(weightClass),
            units: root.units, stamp: root.stamp)
    }
}
