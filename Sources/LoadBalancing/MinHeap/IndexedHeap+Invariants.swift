extension IndexedHeap {
    /// Stops the process if the heap is inconsistent. Compiled to nothing unless the
    /// `LOADBALANCING_INTERNAL_CHECKS` condition is set (debug builds of this package), so
    /// every mutating operation can end with it at no cost in release.
    ///
    /// - Complexity: O(n) when checks are on: the documented bounds do not hold then.
    @inline(__always)
    func _checkInvariants() {
        #if LOADBALANCING_INTERNAL_CHECKS
        if let violation = _invariantViolation() { preconditionFailure("IndexedHeap: \(violation)") }
        #endif
    }

    /// The first broken invariant found, or `nil`. Tests call it directly on deliberately
    /// damaged heaps to show that `_checkInvariants()` would catch the damage.
    ///
    /// Checks that the position map and `nodes` are inverse permutations of the servers, that
    /// exactly the nodes in the heap have a positive weight (all one weight if `hasOneWeight`), that no node precedes its parent,
    /// and that stamps are distinct (so the order is total and the root is unique).
    ///
    /// - Complexity: O(n).
    func _invariantViolation() -> String? {
        if nodes.count != positions.count { return "\(nodes.count) nodes but \(positions.count) positions" }
        if count < 0 || count > nodes.count { return "heap count \(count) outside 0...\(nodes.count)" }
        var stamps = Set<UInt64>(minimumCapacity: nodes.count)
        for (slot, node) in nodes.enumerated() {
            let server = Int(node.server)
            if server < 0 || server >= positions.count { return "slot \(slot) holds unknown server \(server)" }
            if Int(positions[server]) != slot {
                return "server \(server) sits in slot \(slot) but its position says \(positions[server])"
            }
            if (slot < count) != (node.weight > 0) {
                return "server \(server) with weight \(node.weight) in slot \(slot), heap count \(count)"
            }
            if hasOneWeight && slot < count && node.weight != nodes[0].weight {
                return "hasOneWeight, but server \(server) has weight \(node.weight) and the root \(nodes[0].weight)"
            }
            if !stamps.insert(node.stamp).inserted { return "stamp \(node.stamp) appears twice" }
            if slot > 0 && slot < count && Self.precedes(node, nodes[Self.parent(of: slot)]) {
                return "slot \(slot) (server \(server)) precedes its parent slot \(Self.parent(of: slot))"
            }
        }
        return nil
    }
}
