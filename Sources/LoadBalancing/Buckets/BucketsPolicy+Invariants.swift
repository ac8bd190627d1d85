extension BucketsPolicy {
    /// Stops the process if the structure is inconsistent. Compiled to nothing unless the
    /// `LOADBALANCING_INTERNAL_CHECKS` condition is set (debug builds of this package), so
    /// every mutating operation can end with it at no cost in release.
    ///
    /// - Complexity: O(nodes) when checks are on: the documented bounds do not hold then.
    @inline(__always)
    func _checkInvariants() {
        #if LOADBALANCING_INTERNAL_CHECKS
        if let violation = _invariantViolation() { preconditionFailure("BucketsPolicy: \(violation)") }
        #endif
    }

    /// The first broken invariant found, or `nil`. Tests call it directly on deliberately
    /// damaged structures to show that `_checkInvariants()` would catch the damage.
    ///
    /// Checks that every server with a class is in exactly the bucket of its count in that
    /// class, with consistent links, and every drained server in none; that each bucket is in
    /// increasing stamp order and non-decreasing virtual-time order, no member past its class's
    /// clock; that each live class's cached minimum is its first non-empty
    /// bucket, its cached head virtual time and stamp are that bucket's head's, and its member
    /// count is right; that every sentinel belongs to exactly one live
    /// class or is spare; that `liveClasses`, `classOfWeight` and `freeClasses` describe the
    /// same set of classes; and that stamps are distinct and older than the clock.
    ///
    /// Loops run over indices, not `enumerated()`: in a debug build every element of that
    /// iterator looks up generic metadata, and this check runs after every operation (with
    /// `ClassHeaps`' it took a quarter of the differential tests' time in debug).
    ///
    /// - Complexity: O(nodes).
    func _invariantViolation() -> String? {
        let nodes = self.nodes.array
        if nodes.count < serverCount { return "\(nodes.count) nodes for \(serverCount) servers" }
        var claimed = Array(repeating: false, count: nodes.count)
        var stamps = Set<UInt64>(minimumCapacity: serverCount)
        for index in 0..<serverCount {
            let server = nodes[index]
            if server.stamp >= clock { return "server \(index) has stamp \(server.stamp), clock \(clock)" }
            if !stamps.insert(server.stamp).inserted { return "stamp \(server.stamp) appears twice" }
            if server.weightClass < 0 && (server.previous != -1 || server.next != -1) {
                return "drained server \(index) is still linked"
            }
        }
        if Set(liveClasses).count != liveClasses.count { return "a class is live twice" }
        if classOfWeight.count != liveClasses.count {
            return "\(classOfWeight.count) weights mapped but \(liveClasses.count) live classes"
        }
        for slot in liveClasses.indices {
            let live = liveClasses[slot]
            let index = Int(live)
            guard index >= 0 && index < classes.count else { return "live class \(index) does not exist" }
            let weightClass = classes[index]
            if Int(weightClass.liveSlot) != slot { return "class \(index) in live slot \(slot) says \(weightClass.liveSlot)" }
            if weightClass.weight == 0 { return "class \(index) has weight 0" }
            if classOfWeight[weightClass.weight] != live { return "weight \(weightClass.weight) does not map to class \(index)" }
            if let violation = listViolation(of: index, in: nodes, claiming: &claimed) { return violation }
        }
        for free in freeClasses {
            if liveClasses.contains(free) { return "class \(free) is both live and free" }
            if !sentinels[Int(free)].isEmpty { return "free class \(free) kept its sentinels" }
        }
        if liveClasses.count + freeClasses.count != classes.count {
            return "\(classes.count) classes but \(liveClasses.count) live and \(freeClasses.count) free"
        }
        if sentinels.count != classes.count { return "\(sentinels.count) sentinel lists for \(classes.count) classes" }
        for spare in spareSentinels {
            guard Int(spare) >= serverCount && Int(spare) < nodes.count else { return "spare sentinel \(spare) is no sentinel" }
            if claimed[Int(spare)] { return "spare sentinel \(spare) is also in use" }
            claimed[Int(spare)] = true
            if nodes[Int(spare)].weightClass != -1 { return "spare sentinel \(spare) says class \(nodes[Int(spare)].weightClass)" }
        }
        for index in nodes.indices where (index >= serverCount || nodes[index].weightClass >= 0) != claimed[index] {
            return index < serverCount
                ? "server \(index) of class \(nodes[index].weightClass) is in no bucket"
                : "sentinel \(index) belongs to no class and is not spare"
        }
        return nil
    }

    /// Walks every bucket of class `index`, marking its sentinels and servers in `claimed`.
    private func listViolation(of index: Int, in nodes: [Node], claiming claimed: inout [Bool]) -> String? {
        let weightClass = classes[index]
        var members: Int32 = 0
        var firstNonEmpty: Int?
        let buckets = sentinels[index]
        for count in buckets.indices {
            let sentinel = buckets[count]
            let sentinelIndex = Int(sentinel)
            guard sentinelIndex >= serverCount && sentinelIndex < nodes.count else {
                return "bucket \(count) of class \(index) has sentinel \(sentinel), not a sentinel node"
            }
            if claimed[sentinelIndex] { return "sentinel \(sentinel) closes two buckets" }
            claimed[sentinelIndex] = true
            if Int(nodes[sentinelIndex].active) != count || Int(nodes[sentinelIndex].weightClass) != index {
                return "sentinel \(sentinel) of bucket \(count), class \(index) says bucket \(nodes[sentinelIndex].active), class \(nodes[sentinelIndex].weightClass)"
            }
            var previous = sentinel
            var cursor = nodes[sentinelIndex].next
            while cursor != sentinel {
                guard cursor >= 0 && Int(cursor) < serverCount else { return "bucket \(count) of class \(index) links to \(cursor)" }
                let server = nodes[Int(cursor)]
                if claimed[Int(cursor)] { return "server \(cursor) is listed twice (or the list loops)" }
                claimed[Int(cursor)] = true
                members += 1
                if Int(server.weightClass) != index { return "server \(cursor) in class \(index) says \(server.weightClass)" }
                if Int(server.active) != count { return "server \(cursor) with \(server.active) active in bucket \(count)" }
                if server.previous != previous { return "server \(cursor) links back to \(server.previous), not \(previous)" }
                if previous != sentinel && nodes[Int(previous)].stamp >= server.stamp {
                    return "bucket \(count) of class \(index) is out of stamp order at server \(cursor)"
                }
                if previous != sentinel && nodes[Int(previous)].units > server.units {
                    return "bucket \(count) of class \(index) is out of virtual-time order at server \(cursor)"
                }
                if server.units > weightClass.clock.round {
                    return "server \(cursor) has units \(server.units) past its class's round \(weightClass.clock.round)"
                }
                previous = cursor
                cursor = server.next
            }
            if nodes[sentinelIndex].previous != previous {
                return "bucket \(count) of class \(index) ends at \(previous), its sentinel says \(nodes[sentinelIndex].previous)"
            }
            if previous != sentinel && firstNonEmpty == nil { firstNonEmpty = count }
        }
        if members != weightClass.members { return "class \(index) counts \(weightClass.members) members, lists hold \(members)" }
        guard let firstNonEmpty else { return "live class \(index) is empty" }
        if Int(weightClass.minimum) != firstNonEmpty {
            return "class \(index) caches minimum \(weightClass.minimum), first non-empty bucket is \(firstNonEmpty)"
        }
        if weightClass.minimumSentinel != sentinels[index][firstNonEmpty] {
            let expected = sentinels[index][firstNonEmpty]
            return "class \(index) caches minimum sentinel \(weightClass.minimumSentinel), bucket \(firstNonEmpty)'s is \(expected)"
        }
        let head = nodes[Int(nodes[Int(weightClass.minimumSentinel)].next)]
        if weightClass.headUnits != head.units || weightClass.headStamp != head.stamp {
            return "class \(index) caches head \(weightClass.headUnits)/\(weightClass.headStamp), its head has \(head.units)/\(head.stamp)"
        }
        return nil
    }
}
