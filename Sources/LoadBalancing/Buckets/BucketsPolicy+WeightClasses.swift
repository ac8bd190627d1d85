/// List moves and weight-class bookkeeping. The list primitives work on raw storage: each
/// array is made unique once per operation instead of checked on every link written.
extension BucketsPolicy {
    /// Moves `server`, a member of `weightClass` in bucket `source`, to the tail of bucket
    /// `destination`, gives it that count and the newest stamp, and says whether bucket
    /// `source` is now empty.
    ///
    /// - Precondition: `destination < classes[weightClass].buckets.count`.
    /// - Complexity: O(1).
    @inline(__always)
    @discardableResult
    mutating func move(_ server: Int, in weightClass: Int, from source: Int, to destination: Int) -> Bool {
        let stamp = clock
        clock &+= 1
        return withLists(of: weightClass) { servers, buckets in
            Self.unlink(server, from: &buckets[source], servers)
            servers[server].active = UInt32(truncatingIfNeeded: destination)
            servers[server].stamp = stamp
            Self.append(server, to: &buckets[destination], servers)
            return buckets[source].head < 0
        }
    }

    /// Adds `server` (drained, with its stamp already the newest) to `weightClass`, at the tail
    /// of the bucket of its count, growing the buckets to reach it.
    ///
    /// - Complexity: O(1) amortized, plus the growth of the buckets up to the server's count.
    mutating func attach(_ server: Int, to weightClass: Int) {
        let active = Int(servers[server].active)
        let missing = active &+ 1 &- classes[weightClass].buckets.count
        if missing > 0 {
            classes[weightClass].buckets.append(contentsOf: repeatElement(.empty, count: missing))
        }
        withLists(of: weightClass) { servers, buckets in Self.append(server, to: &buckets[active], servers) }
        servers[server].weightClass = Int32(weightClass)
        if classes[weightClass].members == 0 || UInt32(active) < classes[weightClass].minimum {
            classes[weightClass].minimum = UInt32(active)
        }
        classes[weightClass].members &+= 1
    }

    /// Takes `server` out of its class and its bucket, leaving it drained. Retires the class
    /// when it was the last member; otherwise, when it leaves the minimum bucket empty,
    /// advances the cached minimum to the next non-empty bucket.
    ///
    /// - Complexity: O(1), plus the scan past empty buckets: O(highest count in the class).
    mutating func detach(_ server: Int) {
        let weightClass = Int(servers[server].weightClass)
        let active = Int(servers[server].active)
        let emptied = withLists(of: weightClass) { servers, buckets in
            Self.unlink(server, from: &buckets[active], servers)
            return buckets[active].head < 0
        }
        servers[server].previous = -1
        servers[server].next = -1
        servers[server].weightClass = -1
        classes[weightClass].members &-= 1
        if classes[weightClass].members == 0 {
            retire(weightClass)
        } else if emptied && UInt32(active) == classes[weightClass].minimum {
            // Other members remain, all in buckets above this one.
            var bucket = active &+ 1
            while classes[weightClass].buckets[bucket].head < 0 { bucket &+= 1 }
            classes[weightClass].minimum = UInt32(bucket)
        }
    }

    /// The live class of `weight`, created (reusing a free index) when none has it yet.
    ///
    /// - Complexity: O(1) amortized: a dictionary lookup.
    mutating func weightClass(for weight: UInt32) -> Int {
        if let existing = classOfWeight[weight] { return Int(existing) }
        let fresh = WeightClass(
            weight: weight, minimum: 0, members: 0, liveSlot: Int32(liveClasses.count), buckets: [])
        let index: Int
        if let reused = freeClasses.popLast() {
            index = Int(reused)
            classes[index] = fresh
        } else {
            index = classes.count
            classes.append(fresh)
        }
        liveClasses.append(Int32(index))
        classOfWeight[weight] = Int32(index)
        return index
    }

    /// Frees `weightClass`, which has no members left: out of `liveClasses` (by swapping the
    /// last live class into its slot), out of `classOfWeight`, buckets released.
    ///
    /// - Complexity: O(1) amortized.
    private mutating func retire(_ weightClass: Int) {
        let slot = Int(classes[weightClass].liveSlot)
        let last = liveClasses.removeLast()
        if slot < liveClasses.count {
            liveClasses[slot] = last
            classes[Int(last)].liveSlot = Int32(slot)
        }
        classOfWeight[classes[weightClass].weight] = nil
        classes[weightClass].buckets = []
        classes[weightClass].liveSlot = -1
        freeClasses.append(Int32(weightClass))
    }

    /// Runs `body` on the server records and on `weightClass`'s buckets.
    @inline(__always)
    private mutating func withLists<Result>(
        of weightClass: Int,
        _ body: (UnsafeMutablePointer<Server>, UnsafeMutablePointer<WeightClass.Bucket>) -> Result
    ) -> Result {
        servers.withUnsafeMutableBufferPointer { servers in
            classes[weightClass].buckets.withUnsafeMutableBufferPointer { buckets in
                // Every caller works on a member's bucket, so neither array is empty.
                body(servers.baseAddress.unsafelyUnwrapped, buckets.baseAddress.unsafelyUnwrapped)
            }
        }
    }

    /// Unlinks `server` from `bucket`, the list it is in.
    @inline(__always)
    private static func unlink(_ server: Int, from bucket: inout WeightClass.Bucket, _ servers: UnsafeMutablePointer<Server>) {
        let previous = servers[server].previous
        let next = servers[server].next
        if previous < 0 { bucket.head = next } else { servers[Int(previous)].next = next }
        if next < 0 { bucket.tail = previous } else { servers[Int(next)].previous = previous }
    }

    /// Links `server` at the tail of `bucket`.
    @inline(__always)
    private static func append(_ server: Int, to bucket: inout WeightClass.Bucket, _ servers: UnsafeMutablePointer<Server>) {
        let tail = bucket.tail
        servers[server].previous = tail
        servers[server].next = -1
        if tail < 0 { bucket.head = Int32(server) } else { servers[Int(tail)].next = Int32(server) }
        bucket.tail = Int32(server)
    }
}
