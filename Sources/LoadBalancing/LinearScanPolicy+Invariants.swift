extension LinearScanPolicy {
    /// The first broken invariant of the segment layout, or `nil`. Tests call it directly,
    /// also on deliberately damaged policies.
    ///
    /// Checks that the segment starts cover `records` in order, one segment per class index
    /// and one for the drained servers; that each segment holds exactly its class's members
    /// (each record's server is in that class, as many as the class has members); and that
    /// `slotOf` and the records' server ids are inverse permutations.
    ///
    /// With ranks (`RankedScan`), checks instead that the segment arrays are empty and that
    /// every rank says what its server's class and state say. Either way, that the farm keeps
    /// the layout `layOut` chooses for it.
    ///
    /// - Complexity: O(n + W).
    func _invariantViolation() -> String? {
        let scales = RankedScan.scales(for: classes, serverCount: serverCount)
        if usesRanks != (scales != nil) {
            return usesRanks ? "ranks kept for a farm that should keep segments" : "segments kept for a farm that should keep ranks"
        }
        if let scales {
            if !records.array.isEmpty || !segmentStart.isEmpty || !slotOf.isEmpty {
                return "segment arrays kept beside the ranks"
            }
            return ranked.invariantViolation(classes: classes, scales: scales)
        }
        if !ranked.ranks.array.isEmpty { return "ranks kept beside the segments" }
        let classCount = classes.classes.count
        if segmentStart.count != classCount + 2 {
            return "\(segmentStart.count) segment starts for \(classCount) classes"
        }
        if segmentStart.first != 0 || segmentStart.last != Int32(records.count) {
            return "segments span \(segmentStart.first ?? -1)..<\(segmentStart.last ?? -1), not 0..<\(records.count)"
        }
        for segment in 0...classCount {
            let (start, end) = (Int(segmentStart[segment]), Int(segmentStart[segment + 1]))
            if start > end { return "segment \(segment) starts at \(start) after its end \(end)" }
            let weightClass = segment == classCount ? -1 : segment
            if weightClass >= 0 && end - start != Int(classes.classes[weightClass].members) {
                return "class \(weightClass)'s segment holds \(end - start) of \(classes.classes[weightClass].members) members"
            }
            for slot in start..<end {
                let server = Int(records[slot].server)
                if server >= slotOf.count || Int(slotOf[server]) != slot {
                    return "slot \(slot) holds server \(server), whose slot says \(server < slotOf.count ? Int(slotOf[server]) : -1)"
                }
                if Int(classes.classOf[server]) != weightClass {
                    return "server \(server) in the segment of class \(weightClass) is in class \(classes.classOf[server])"
                }
            }
        }
        return nil
    }

    /// Stops the process if the layout is inconsistent. Compiled to nothing unless the
    /// `LOADBALANCING_INTERNAL_CHECKS` condition is set (debug builds of this package).
    ///
    /// - Complexity: O(n + W) when checks are on.
    @inline(__always)
    func _checkInvariants() {
        #if LOADBALANCING_INTERNAL_CHECKS
        if let violation = _invariantViolation() { preconditionFailure("LinearScanPolicy: \(violation)") }
        #endif
    }
}
