extension ClassHeaps {
    /// The first broken invariant found, or `nil`, given the policy's weight classes (`classes`:
    /// which class each server is in, each class's weight and member count). `MinHeapPolicy`'s
    /// `_checkInvariants()` calls it after every mutating operation in debug builds; tests call
    /// it directly on deliberately damaged heaps to show that the damage would be caught.
    ///
    /// Checks that the class regions lie in `nodes` without overlapping; that every server has exactly one node, where `positions` and `classOf` say;
    /// that each class's heap holds as many nodes as the class has members and its region
    /// the class's weight; that no node precedes its parent under `precedesWithOneWeight`;
    /// that within each class virtual time never decreases in stamp order (what makes that
    /// comparison exact); that stamps are distinct (so the order is total); and that every match of the tournament has the right winner.
    /// Loops run over indices, not `enumerated()` or `zip` (see `BucketsPolicy._invariantViolation()`).
    ///
    /// - Complexity: O(n log n).
    func _invariantViolation(classes: WeightClassClocks) -> String? {
        let nodeCount = drained.count + regions.reduce(0) { $0 + Int($1.count) }
        if nodeCount != positions.count { return "\(nodeCount) nodes but \(positions.count) servers" }
        if let violation = layoutViolation() { return violation }
        var stamps = Set<UInt64>(minimumCapacity: positions.count)
        for slot in drained.indices {
            let node = drained[slot]
            if let violation = misplacement(node, slot: slot, weightClass: -1, classes: classes) { return violation }
            if !stamps.insert(node.stamp).inserted { return "stamp \(node.stamp) appears twice" }
        }
        for weightClass in regions.indices {
            let heap = Array(heap(ofClass: weightClass))
            let members = weightClass < classes.classes.count ? Int(classes.classes[weightClass].members) : 0
            if heap.count != members { return "class \(weightClass) heap holds \(heap.count) of \(members) members" }
            if members > 0 && regions[weightClass].weight != classes.classWeight[weightClass] {
                let (regionWeight, classWeight) = (regions[weightClass].weight, classes.classWeight[weightClass])
                return "class \(weightClass)'s region has weight \(regionWeight), the class \(classWeight)"
            }
            for slot in heap.indices {
                let node = heap[slot]
                if let violation = misplacement(node, slot: slot, weightClass: weightClass, classes: classes) { return violation }
                if !stamps.insert(node.stamp).inserted { return "stamp \(node.stamp) appears twice" }
                if slot > 0 && Self.precedesWithOneWeight(node, heap[Self.parent(of: slot)]) {
                    return "class \(weightClass) slot \(slot) (server \(node.server)) precedes its parent slot \(Self.parent(of: slot))"
                }
            }
            let byStamp = heap.sorted { $0.stamp < $1.stamp }
            for later in byStamp.indices.dropFirst() where byStamp[later - 1].units > byStamp[later].units {
                let (earlierServer, laterServer) = (byStamp[later - 1].server, byStamp[later].server)
                return "class \(weightClass): server \(laterServer) changed after server \(earlierServer) but has an earlier virtual time"
            }
        }
        return tournamentViolation()
    }

    /// The first wrong entry of the tournament, or `nil`: each leaf must hold its class and
    /// the class root's key (only the class with a single leaf), each inner entry the winner of
    /// its children's.
    private func tournamentViolation() -> String? {
        let capacity = tournament.capacity
        let entries = tournament.entries
        if capacity < regions.count || entries.count != 2 * capacity {
            return "tournament of \(capacity) leaves (\(entries.count) entries) for \(regions.count) classes"
        }
        if tournament.winner != Int(entries[1].weightClass) {
            return "tournament winner \(tournament.winner), its root \(entries[1].weightClass)"
        }
        return nodes.withUnsafeBufferPointer { nodes in
            regions.withUnsafeBufferPointer { regions in
                let roots = ClassRoots(nodes: nodes, regions: regions)
                if capacity == 1 {
                    let expected: Int32 = roots.entry(0).weightClass
                    return entries[1].weightClass == expected ? nil : "tournament leaf 0 holds \(entries[1].weightClass)"
                }
                for leaf in 0..<capacity where entries[capacity + leaf] != roots.entry(leaf) {
                    return "tournament leaf \(leaf) holds \(entries[capacity + leaf]), its class root \(roots.entry(leaf))"
                }
                for slot in stride(from: capacity - 1, through: 1, by: -1)
                where entries[slot] != ClassTournament.match(entries[2 * slot], entries[2 * slot + 1]) {
                    return "tournament slot \(slot) holds \(entries[slot])"
                }
                return nil
            }
        }
    }

    /// Whether the regions lie inside `nodes` without overlapping, `deadSlots` counts the
    /// slots outside them, and the memory bound holds: each class's room within `room(for:)`
    /// its members, and no more dead slots than slots in regions.
    private func layoutViolation() -> String? {
        var owner = Array(repeating: -1, count: nodes.count)
        for weightClass in regions.indices {
            let region = regions[weightClass]
            if region.count < 0 || region.count > region.capacity || region.base < 0
                || Int(region.base) + Int(region.capacity) > nodes.count {
                return "class \(weightClass)'s region \(region) does not fit \(nodes.count) slots"
            }
            for slot in Int(region.base) ..< Int(region.base + region.capacity) {
                if owner[slot] >= 0 { return "slot \(slot) is in the regions of classes \(owner[slot]) and \(weightClass)" }
                owner[slot] = weightClass
            }
            if region.count > 0 && Int(region.capacity) > Self.room(for: Int(region.count)) {
                return "class \(weightClass)'s region has room for \(region.capacity) slots, over \(Self.room(for: Int(region.count))) for \(region.count) members"
            }
        }
        let outside = owner.count { $0 < 0 }
        if outside != deadSlots { return "\(outside) slots in no region, but deadSlots says \(deadSlots)" }
        if deadSlots > nodes.count - deadSlots {
            return "\(deadSlots) dead slots outnumber the \(nodes.count - deadSlots) in regions"
        }
        return nil
    }

    /// Why `node`, found at `slot` of class `weightClass` (-1: drained), is not where the
    /// position map and the classes say, or `nil`.
    private func misplacement(_ node: Node, slot: Int, weightClass: Int, classes: WeightClassClocks) -> String? {
        let server = Int(node.server)
        if server < 0 || server >= positions.count { return "class \(weightClass) slot \(slot) holds unknown server \(server)" }
        if Int(positions[server]) != slot {
            return "server \(server) sits in slot \(slot) but its position says \(positions[server])"
        }
        if Int(classes.classOf[server]) != weightClass {
            return "server \(server) sits in class \(weightClass) but is in class \(classes.classOf[server])"
        }
        return nil
    }
}
