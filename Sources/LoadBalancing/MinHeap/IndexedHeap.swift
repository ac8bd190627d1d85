/// An indexed d-ary min-heap of servers keyed by (score `active/weight`, virtual time
/// `units/weight`, last-change stamp),
/// with a position map so that any server can be found and repositioned in O(log n).
///
/// # Layout
/// `nodes` holds every server exactly once. Its prefix `nodes[0..<count]` is the heap: every
/// node's key is greater than its parent's, where the parent of slot `i` is `(i - 1) / arity`
/// (Williams 1964, generalized to d children by Johnson 1975). The suffix `nodes[count...]`
/// holds the drained servers (weight 0) in no particular order: keeping them in the same
/// array means a server's count and weight always live in its node, whether or not it can be
/// picked. `positions[server]` is the slot of that server's node (the "position map" of an
/// indexed priority queue), updated on every move.
///
/// Keys are copied into the nodes rather than looked up through the server id, so comparing
/// the `arity` children of a slot reads one contiguous run of memory instead of `arity`
/// scattered records. Stamps are unique, so keys are totally ordered and the root is the one
/// server the canonical tie rule of `ReferenceLeastConnections` picks. The heap does not
/// compute virtual times: the policy hands each changed node its new units.
///
/// - Complexity: root access O(1); changing one server's key O(log n).
///   Memory: 36 bytes per server (a 32-byte node and a 4-byte position).
/// - Note: Not thread-safe: a value owned by one `MinHeapPolicy`.
struct IndexedHeap {
    /// One server with its key.
    struct Node {
        /// Active connections.
        var active: UInt32
        /// The weight; 0 exactly for the drained servers, which sit after the heap.
        var weight: UInt32
        /// The virtual time in units of `1 / weight`, the first tie-breaker.
        var units: UInt64
        /// The last-change stamp, which breaks ties between equal scores and virtual times.
        var stamp: UInt64
        /// The server this node describes.
        var server: Int32
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
    /// within noise of 8 at 100,000. (Measured with 24-byte nodes, before the virtual time.)
    static let arity = 4

    /// All servers: the heap, then the drained ones.
    var nodes: [Node]
    /// `positions[server]` is the slot of `server`'s node in `nodes`.
    var positions: [Int32]
    /// The number of servers in the heap (weight > 0).
    var count: Int
    /// Whether every server in the heap has the same weight (set by the policy, from
    /// `WeightClassClocks.hasOneClass`): then the sifts compare with `precedesWithOneWeight`.
    var hasOneWeight: Bool

    /// A heap of `weights.count` servers with no active connections and virtual time 0, where
    /// server `i` has stamp `i`; `hasOneWeight` says whether all positive weights are equal.
    ///
    /// Servers with weight > 0 are laid out in index order: all scores are 0 and stamps
    /// increase along the array, so the array is sorted and therefore already a heap.
    ///
    /// - Precondition: `weights` passed `WeightValidation`.
    /// - Complexity: O(n).
    init(weights: [Int], hasOneWeight: Bool) {
        self.hasOneWeight = hasOneWeight
        var nodes: [Node] = []
        nodes.reserveCapacity(weights.count)
        for (server, weight) in weights.enumerated() where weight > 0 {
            nodes.append(Node(active: 0, weight: UInt32(weight), units: 0, stamp: UInt64(server), server: Int32(server)))
        }
        count = nodes.count
        for (server, weight) in weights.enumerated() where weight == 0 {
            nodes.append(Node(active: 0, weight: 0, units: 0, stamp: UInt64(server), server: Int32(server)))
        }
        var positions = Array(repeating: Int32(0), count: weights.count)
        for (slot, node) in nodes.enumerated() { positions[Int(node.server)] = Int32(slot) }
        self.nodes = nodes
        self.positions = positions
        _checkInvariants()
    }

    /// The node of `server`.
    func node(of server: Int) -> Node { nodes[Int(positions[server])] }

    /// The root: the node the next pick goes to; `nil` when every server is drained.
    var root: Node? { count > 0 ? nodes[0] : nil }

    /// Whether node `a` is picked before node `b`: lower score, then earlier virtual time,
    /// then older stamp. A heap of one weight sifts with `precedesWithOneWeight` instead.
    ///
    /// Both weights are positive for heap nodes; the score products are at most
    /// `UInt32.max * UInt32.max`, which fits in 64 bits.
    @inline(__always)
    static func precedes(_ a: Node, _ b: Node) -> Bool {
        let left = UInt64(a.active) &* UInt64(b.weight)
        let right = UInt64(b.active) &* UInt64(a.weight)
        // Every part is computed and the results combined without branches: in a heap of
        // several weights, ties between different weights are common and their outcome is
        // unpredictable. Between one weight virtual time never decreases in stamp order, so
        // comparing it first gives the same answer as the stamp alone.
        let tieGoesToA = VirtualTime.precedes(a.units, a.weight, a.stamp, b.units, b.weight, b.stamp)
        return left < right || (left == right && tieGoesToA)
    }

    /// `precedes` for two nodes of the same weight: fewer active connections, then older stamp
    /// (the score and virtual-time orders then follow these), as one branch-free comparison
    /// of 128-bit keys.
    @inline(__always)
    static func precedesWithOneWeight(_ a: Node, _ b: Node) -> Bool {
        (UInt128(a.active) &<< 64 | UInt128(a.stamp)) < (UInt128(b.active) &<< 64 | UInt128(b.stamp))
    }

    /// The slot of the parent of `slot` (> 0).
    @inline(__always)
    static func parent(of slot: Int) -> Int { (slot &- 1) / arity }

    /// The slot of the first child of `slot`.
    @inline(__always)
    static func firstChild(of slot: Int) -> Int { slot &* arity &+ 1 }

    /// Counts one more connection on the root, gives it `units` and `stamp`, moves it down to
    /// its place, and returns its server; `nil` when the heap is empty (every server drained).
    ///
    /// The root's score strictly grows, so it can only move down.
    ///
    /// - Complexity: O(arity · log_arity n).
    mutating func incrementRoot(units: UInt64, stamp: UInt64) -> Int32? {
        let count = self.count
        let oneWeight = hasOneWeight
        guard count > 0 else { return nil }
        let server = withStorage { nodes, positions in
            var root = nodes[0]
            if root.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(Int(root.server))) }
            root.active &+= 1
            root.units = units
            root.stamp = stamp
            Self.siftDown(root, from: 0, count: count, oneWeight: oneWeight, nodes, positions)
            return root.server
        }
        _checkInvariants()
        return server
    }

    /// Counts one more connection on `server`, wherever it is, and gives it `units` (unless
    /// `nil`: a drained server keeps its units) and `stamp`.
    ///
    /// The score strictly grows, so a server in the heap can only move down; a drained
    /// server just records its new count.
    ///
    /// - Precondition: `server` is in `0..<positions.count` (checked by the caller).
    /// - Complexity: O(arity · log_arity n).
    mutating func increment(_ server: Int, units: UInt64?, stamp: UInt64) {
        let count = self.count
        let oneWeight = hasOneWeight
        withStorage { nodes, positions in
            let slot = Int(positions[server])
            var node = nodes[slot]
            if node.active == UInt32.max { SelectorMisuse.tooManyConnections(ServerID(server)) }
            node.active &+= 1
            if let units { node.units = units }
            node.stamp = stamp
            if slot < count {
                Self.siftDown(node, from: slot, count: count, oneWeight: oneWeight, nodes, positions)
            } else {
                nodes[slot] = node
            }
        }
        _checkInvariants()
    }

    /// Counts one fewer connection on `server` and gives it `units` (unless `nil`: a drained
    /// server keeps its units) and `stamp`.
    ///
    /// The score strictly shrinks, and it comes first in the key whatever the units, so a
    /// server in the heap can only move up; a drained
    /// server just records its new count.
    ///
    /// - Precondition: `server` is in `0..<positions.count` (checked by the caller).
    /// - Complexity: O(log_arity n).
    mutating func decrement(_ server: Int, units: UInt64?, stamp: UInt64) {
        let count = self.count
        let oneWeight = hasOneWeight
        withStorage { nodes, positions in
            let slot = Int(positions[server])
            var node = nodes[slot]
            if node.active == 0 { SelectorMisuse.releaseWithoutConnection(ServerID(server)) }
            node.active &-= 1
            if let units { node.units = units }
            node.stamp = stamp
            if slot < count {
                Self.siftUp(node, from: slot, oneWeight: oneWeight, nodes, positions)
            } else {
                nodes[slot] = node
            }
        }
        _checkInvariants()
    }

    /// Sets `server`'s weight, units and stamp: repositions it, takes it out of the heap when the
    /// weight becomes 0, or puts it back when a drained server gets a positive weight; then
    /// records `hasOneWeight`, whether every server in the heap now has one weight. The sifts
    /// here use the full comparison, right whatever the weights.
    ///
    /// - Precondition: `server` is in `0..<positions.count` (checked by the caller).
    /// - Complexity: O(arity · log_arity n).
    mutating func setWeight(_ weight: UInt32, of server: Int, units: UInt64, stamp: UInt64, hasOneWeight: Bool) {
        var count = self.count
        withStorage { nodes, positions in
            let slot = Int(positions[server])
            var node = nodes[slot]
            node.weight = weight
            node.units = units
            node.stamp = stamp
            switch (slot < count, weight > 0) {
            case (true, true):
                Self.reposition(node, at: slot, count: count, oneWeight: false, nodes, positions)
            case (true, false):
                // Fill the hole with the heap's last node, then park the drained node just
                // past the shrunken heap.
                count &-= 1
                if slot != count {
                    Self.reposition(nodes[count], at: slot, count: count, oneWeight: false, nodes, positions)
                }
                nodes[count] = node
                positions[server] = Int32(count)
            case (false, true):
                // Swap places with the drained node at the heap's end, then grow the heap.
                let displaced = nodes[count]
                nodes[slot] = displaced
                positions[Int(displaced.server)] = Int32(slot)
                count &+= 1
                Self.siftUp(node, from: count &- 1, oneWeight: false, nodes, positions)
            case (false, false):
                nodes[slot] = node
            }
        }
        self.count = count
        self.hasOneWeight = hasOneWeight
        _checkInvariants()
    }

    /// Runs `body` on the node and position storage. Each array is made unique once, here,
    /// rather than checked for uniqueness and bounds on every write of a sift.
    @inline(__always)
    private mutating func withStorage<Result>(
        _ body: (UnsafeMutablePointer<Node>, UnsafeMutablePointer<Int32>) -> Result
    ) -> Result {
        nodes.withUnsafeMutableBufferPointer { nodes in
            positions.withUnsafeMutableBufferPointer { positions in
                // Both arrays hold one entry per server, and there is at least one server.
                body(nodes.baseAddress.unsafelyUnwrapped, positions.baseAddress.unsafelyUnwrapped)
            }
        }
    }
}
