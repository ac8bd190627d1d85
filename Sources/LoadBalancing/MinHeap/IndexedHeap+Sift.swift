/// The sift algorithms, on raw storage. Each moves a "hole" rather than swapping: nodes on
/// the way are shifted one level and the moving node is written once, at the end, and every
/// node written records its new slot in the position map.
///
/// Each sift takes `oneWeight` (`IndexedHeap.hasOneWeight`) and then runs its loop with the
/// comparison that fits: `precedesWithOneWeight`, one branch-free 128-bit comparison, when
/// every node has the same weight, otherwise the full `precedes`. Both give the same order
/// when the weights are equal.
extension IndexedHeap {
    /// Places `node` at `slot` or above it, shifting greater ancestors down.
    ///
    /// - Complexity: O(log_arity slot).
    @inline(__always)
    static func siftUp(
        _ node: Node, from slot: Int, oneWeight: Bool,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
    ) {
        if oneWeight {
            siftUp(node, from: slot, nodes, positions, by: precedesWithOneWeight)
        } else {
            siftUp(node, from: slot, nodes, positions, by: precedes)
        }
    }

    /// `siftUp` with the comparison `precedes`.
    @inline(__always)
    static func siftUp(
        _ node: Node, from slot: Int, _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>,
        by precedes: (Node, Node) -> Bool
    ) {
        var hole = slot
        while hole > 0 {
            let parent = parent(of: hole)
            let parentNode = nodes[parent]
            if !precedes(node, parentNode) { break }
            nodes[hole] = parentNode
            positions[Int(parentNode.server)] = Int32(truncatingIfNeeded: hole)
            hole = parent
        }
        nodes[hole] = node
        positions[Int(node.server)] = Int32(truncatingIfNeeded: hole)
    }

    /// Places `node` at `slot` or below it, among the heap's first `count` slots, shifting
    /// the least child up while it precedes `node`.
    ///
    /// - Complexity: O(arity · log_arity count).
    @inline(__always)
    static func siftDown(
        _ node: Node, from slot: Int, count: Int, oneWeight: Bool,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
    ) {
        if oneWeight {
            siftDown(node, from: slot, count: count, nodes, positions, by: precedesWithOneWeight)
        } else {
            siftDown(node, from: slot, count: count, nodes, positions, by: precedes)
        }
    }

    /// `siftDown` with the comparison `precedes`.
    @inline(__always)
    static func siftDown(
        _ node: Node, from slot: Int, count: Int,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>,
        by precedes: (Node, Node) -> Bool
    ) {
        var hole = slot
        while true {
            let first = firstChild(of: hole)
            if first >= count { break }
            let end = Swift.min(first &+ arity, count)
            var least = first
            var leastNode = nodes[first]
            var child = first &+ 1
            while child < end {
                let candidate = nodes[child]
                if precedes(candidate, leastNode) {
                    least = child
                    leastNode = candidate
                }
                child &+= 1
            }
            if !precedes(leastNode, node) { break }
            nodes[hole] = leastNode
            positions[Int(leastNode.server)] = Int32(truncatingIfNeeded: hole)
            hole = least
        }
        nodes[hole] = node
        positions[Int(node.server)] = Int32(truncatingIfNeeded: hole)
    }

    /// Places `node`, whose key changed either way, starting from `slot`: up if it now
    /// precedes its parent, otherwise down.
    ///
    /// - Complexity: O(arity · log_arity count).
    static func reposition(
        _ node: Node, at slot: Int, count: Int, oneWeight: Bool,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
    ) {
        if slot > 0 && precedes(node, nodes[parent(of: slot)]) {
            siftUp(node, from: slot, oneWeight: oneWeight, nodes, positions)
        } else {
            siftDown(node, from: slot, count: count, oneWeight: oneWeight, nodes, positions)
        }
    }
}
