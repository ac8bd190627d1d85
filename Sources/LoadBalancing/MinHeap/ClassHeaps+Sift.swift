/// The sift algorithms of one class heap, on raw storage. Each moves a "hole" rather than
/// swapping: nodes on the way are shifted one level and the moving node is written once, at
/// the end, and every node written records its new slot in the position map.
///
/// Every node of a class heap has the class's weight, so each compares with
/// `precedesWithOneWeight`: the count, then the stamp.
extension ClassHeaps {
    /// Places `node` at `slot` or above it, shifting greater ancestors down, and returns the
    /// slot where it lands.
    ///
    /// - Complexity: O(log_arity slot).
    @inline(__always)
    @discardableResult
    static func siftUp(
        _ node: Node, from slot: Int, _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
    ) -> Int {
        var hole = slot
        while hole > 0 {
            let parent = parent(of: hole)
            let parentNode = nodes[parent]
            if !precedesWithOneWeight(node, parentNode) { break }
            nodes[hole] = parentNode
            positions[Int(parentNode.server)] = Int32(truncatingIfNeeded: hole)
            hole = parent
        }
        nodes[hole] = node
        positions[Int(node.server)] = Int32(truncatingIfNeeded: hole)
        return hole
    }

    /// Places `node` at `slot` or below it, among the heap's first `count` slots, shifting
    /// the least child up while it precedes `node`.
    ///
    /// - Complexity: O(arity · log_arity count).
    @inline(__always)
    static func siftDown(
        _ node: Node, from slot: Int, count: Int,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
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
                if precedesWithOneWeight(candidate, leastNode) {
                    least = child
                    leastNode = candidate
                }
                child &+= 1
            }
            if !precedesWithOneWeight(leastNode, node) { break }
            nodes[hole] = leastNode
            positions[Int(leastNode.server)] = Int32(truncatingIfNeeded: hole)
            hole = least
        }
        nodes[hole] = node
        positions[Int(node.server)] = Int32(truncatingIfNeeded: hole)
    }

    /// Places `node`, whose key may differ either way from the one it replaces at `slot`: up
    /// if it precedes its parent, otherwise down.
    ///
    /// - Complexity: O(arity · log_arity count).
    static func reposition(
        _ node: Node, at slot: Int, count: Int,
        _ nodes: UnsafeMutablePointer<Node>, _ positions: UnsafeMutablePointer<Int32>
    ) {
        if slot > 0 && precedesWithOneWeight(node, nodes[parent(of: slot)]) {
            siftUp(node, from: slot, nodes, positions)
        } else {
            siftDown(node, from: slot, count: count, nodes, positions)
        }
    }
}
