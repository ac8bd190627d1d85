extension BucketsPolicy {
    /// Stops the process if the structure is inconsistent. Compiled to nothing unless the
    /// `LOADBALANCING_INTERNAL_CHECKS` condition is set (debug builds of this package), so
    /// every mutating operation can end with it at no cost in release.
    ///
    /// - Complexity: O(n + total buckets) when checks are on: the documented bounds do not
    ///   hold then.
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
    /// increasing stamp order; that each live class's cached minimum is its first non-empty
    /// bucket and its member count is right; that `liveClasses`, `classOfWeight` and
    /// `freeClasses` describe the same set of classes; and that stamps are distinct and older
    /// than the clock.
    ///
    /// - Complexity: O(n + total buckets).
    func _invariantViolation() -> String? {
        var listed = Array(repeating: false, count: servers.count)
        var stamps = Set<UInt64>(minimumCapacity: servers.count)
        for (index, server) in servers.enumerated() {
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
        for (slot, live) in liveClasses.enumerated() {
            let index = Int(live)
            guard index >= 0 && index < classes.count else { return "live class \(index) does not exist" }
            let weightClass = classes[index]
            if Int(weightClass.liveSlot) != slot { return "class \(index) in live slot \(slot) says \(weightClass.liveSlot)" }
            if weightClass.weight == 0 { return "class \(index) has weight 0" }
            if classOfWeight[weightClass.weight] != live { return "weight \(weightClass.weight) does not map to class \(index)" }
            if let violation = listViolation(of: index, marking: &listed) { return violation }
        }
        for free in freeClasses {
            if liveClasses.contains(free) { return "class \(free) is both live and free" }
            if !classes[Int(free)].buckets.isEmpty { return "free class \(free) kept its buckets" }
        }
        if liveClasses.count + freeClasses.count != classes.count {
            return "\(classes.count) classes but \(liveClasses.count) live and \(freeClasses.count) free"
        }
        for (index, server) in servers.enumerated() where (server.weightClass >= 0) != listed[index] {
            return "server \(index) of class \(server.weightClass) is listed \(listed[index] ? "" : "nowhere")"
        }
        return nil
    }

    /// Walks every bucket of class `index`, marking the servers found in `listed`.
    private func listViolation(of index: Int, marking listed: inout [Bool]) -> String? {
        let weightClass = classes[index]
        var members: Int32 = 0
        var firstNonEmpty: Int?
        for (count, bucket) in weightClass.buckets.enumerated() {
            var previous: Int32 = -1
            var cursor = bucket.head
            while cursor >= 0 {
                guard Int(cursor) < servers.count else { return "bucket \(count) of class \(index) links to \(cursor)" }
                let server = servers[Int(cursor)]
                if listed[Int(cursor)] { return "server \(cursor) is listed twice (or the list loops)" }
                listed[Int(cursor)] = true
                members += 1
                if Int(server.weightClass) != index { return "server \(cursor) in class \(index) says \(server.weightClass)" }
                if Int(server.active) != count { return "server \(cursor) with \(server.active) active in bucket \(count)" }
                if server.previous != previous { return "server \(cursor) links back to \(server.previous), not \(previous)" }
                if previous >= 0 && servers[Int(previous)].stamp >= server.stamp {
                    return "bucket \(count) of class \(index) is out of stamp order at server \(cursor)"
                }
                previous = cursor
                cursor = server.next
            }
            if bucket.tail != previous { return "bucket \(count) of class \(index) ends at \(previous), tail says \(bucket.tail)" }
            if previous >= 0 && firstNonEmpty == nil { firstNonEmpty = count }
        }
        if members != weightClass.members { return "class \(index) counts \(weightClass.members) members, lists hold \(members)" }
        guard let firstNonEmpty else { return "live class \(index) is empty" }
        if Int(weightClass.minimum) != firstNonEmpty {
            return "class \(index) caches minimum \(weightClass.minimum), first non-empty bucket is \(firstNonEmpty)"
        }
        return nil
    }
}
