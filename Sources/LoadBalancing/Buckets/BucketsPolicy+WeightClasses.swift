/// List moves and weight-class bookkeeping. The list primitives work on `nodes`'s raw storage.
extension BucketsPolicy {
    /// Moves `server` from its bucket, closed by sentinel `source`, to the tail of the bucket
    /// closed by `destination`, gives it that bucket's count, `units` (its class's round, after
    /// the change was counted) and the newest stamp, and says whether its old bucket is now empty.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    @discardableResult
    mutating func move(
        _ server: Int, to destination: Int32, from source: Int32, units: UInt64
    ) -> Bool {
        let stamp = clock
        clock &+= 1
        let nodes = self.nodes.base
        Self.unlink(server, nodes)
        nodes[server].active = nodes[Int(destination)].active
        nodes[server].units = units
        nodes[server].stamp = stamp
        Self.insert(server, before: Int(destination), nodes)
        return nodes[Int(source)].next == source
    }

    /// Adds `server` (drained, with its stamp already the newest and its units the class's
    /// round) to `weightClass`, at the tail of the bucket of its count, adding buckets up to it.
    ///
    /// - Complexity: O(1) amortized, plus the buckets added up to the server's count.
    mutating func attach(_ server: Int, to weightClass: Int) {
        let active = Int(nodes[server].active)
        while sentinels[weightClass].count <= active { addBucket(to: weightClass) }
        let sentinel = Int(sentinels[weightClass][active])
        Self.insert(server, before: sentinel, nodes.base)
        nodes[server].weightClass = Int32(weightClass)
        if classes[weightClass].members == 0 || UInt32(active) < classes[weightClass].minimum {
            setMinimum(UInt32(active), sentinel: Int32(sentinel), of: weightClass)
        }
        classes[weightClass].members &+= 1
        refreshHead(of: weightClass)
    }

    /// Takes `server` out of its class and its bucket, leaving it drained. Retires the class
    /// when it was the last member; otherwise, when it leaves the minimum bucket empty,
    /// advances the cached minimum to the next non-empty bucket.
    ///
    /// - Complexity: O(1), plus the scan past empty buckets: O(highest count in the class).
    mutating func detach(_ server: Int) {
        let weightClass = Int(nodes[server].weightClass)
        let active = Int(nodes[server].active)
        let sentinel = sentinels[weightClass][active]
        Self.unlink(server, nodes.base)
        nodes[server].previous = -1
        nodes[server].next = -1
        nodes[server].weightClass = -1
        classes[weightClass].members &-= 1
        if classes[weightClass].members == 0 {
            retire(weightClass)
        } else if nodes[Int(sentinel)].next == sentinel && UInt32(active) == classes[weightClass].minimum {
            // Other members remain, all in buckets above this one.
            var bucket = active &+ 1
            while isEmpty(bucket, of: weightClass) { bucket &+= 1 }
            setMinimum(UInt32(bucket), sentinel: sentinels[weightClass][bucket], of: weightClass)
        }
        if classes[weightClass].members > 0 { refreshHead(of: weightClass) }
    }

    /// The live class of `weight`, created (reusing a free index) when none has it yet.
    ///
    /// - Complexity: O(1) amortized: a dictionary lookup.
    mutating func weightClass(for weight: UInt32) -> Int {
        if let existing = classOfWeight[weight] { return Int(existing) }
        let fresh = WeightClass(
            weight: weight, minimum: 0, members: 0, liveSlot: Int32(liveClasses.count), clock: .zero,
            minimumSentinel: -1, headUnits: 0, headStamp: 0)
        let index: Int
        if let reused = freeClasses.popLast() {
            index = Int(reused)
            classes[index] = fresh
        } else {
            index = classes.count
            classes.append(fresh)
            sentinels.append([])
        }
        liveClasses.append(Int32(index))
        classOfWeight[weight] = Int32(index)
        return index
    }

    /// The latest virtual time of any live class: where a server joining a class starts.
    ///
    /// - Complexity: O(W).
    func latestTime() -> VirtualTime {
        var latest = VirtualTime.zero
        for live in liveClasses { latest.advance(to: classes[Int(live)].clock.round, weight: classes[Int(live)].weight) }
        return latest
    }

    /// Makes bucket `bucket`, closed by `sentinel` (its entry in `sentinels`), class
    /// `weightClass`'s minimum.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func setMinimum(_ bucket: UInt32, sentinel: Int32, of weightClass: Int) {
        classes[weightClass].minimum = bucket
        classes[weightClass].minimumSentinel = sentinel
    }

    /// Copies the virtual time and stamp of the head of `weightClass`'s minimum bucket (which
    /// has members) into the class's record, where a pick compares them: called after every
    /// change that may move that head.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func refreshHead(of weightClass: Int) {
        let nodes = self.nodes.base
        let head = Int(nodes[Int(classes[weightClass].minimumSentinel)].next)
        classes[weightClass].headUnits = nodes[head].units
        classes[weightClass].headStamp = nodes[head].stamp
    }

    /// Whether bucket `bucket` of `weightClass` has no server.
    func isEmpty(_ bucket: Int, of weightClass: Int) -> Bool {
        let sentinel = sentinels[weightClass][bucket]
        return nodes[Int(sentinel)].next == sentinel
    }

    /// Gives `weightClass` one more, empty bucket, for the next count up; its sentinel is a
    /// spare one when there is one, else a new node.
    ///
    /// - Complexity: O(1) amortized.
    mutating func addBucket(to weightClass: Int) {
        let sentinel: Int32
        if let spare = spareSentinels.popLast() {
            sentinel = spare
        } else {
            sentinel = Int32(nodes.count)
            if nodes.count == nodes.capacity {
                // Grow by a sixteenth, not by the default doubling: the array is mostly server
                // nodes, and doubling it for one more sentinel would double the policy's memory.
                nodes.reserveCapacity(nodes.count + Swift.max(16, nodes.count / 16))
            }
            nodes.append(Node(previous: -1, next: -1, active: 0, weightClass: -1, units: 0, stamp: 0))
        }
        let count = UInt32(sentinels[weightClass].count)
        nodes[Int(sentinel)] = Node(
            previous: sentinel, next: sentinel, active: count, weightClass: Int32(weightClass), units: 0, stamp: 0)
        sentinels[weightClass].append(sentinel)
    }

    /// Frees `weightClass`, which has no members left: out of `liveClasses` (by swapping the
    /// last live class into its slot) and `classOfWeight`; its sentinels become spares.
    ///
    /// - Complexity: O(its buckets).
    private mutating func retire(_ weightClass: Int) {
        let slot = Int(classes[weightClass].liveSlot)
        let last = liveClasses.removeLast()
        if slot < liveClasses.count {
            liveClasses[slot] = last
            classes[Int(last)].liveSlot = Int32(slot)
        }
        classOfWeight[classes[weightClass].weight] = nil
        for sentinel in sentinels[weightClass] { nodes[Int(sentinel)].weightClass = -1 }
        spareSentinels.append(contentsOf: sentinels[weightClass])
        sentinels[weightClass] = []
        classes[weightClass].liveSlot = -1
        freeClasses.append(Int32(weightClass))
    }

    /// Unlinks `node` from the circular list it is in.
    @inline(__always)
    private static func unlink(_ node: Int, _ nodes: UnsafeMutablePointer<Node>) {
        let previous = nodes[node].previous
        let next = nodes[node].next
        nodes[Int(previous)].next = next
        nodes[Int(next)].previous = previous
    }

    /// Links `node` just before `sentinel`, at the tail of its list.
    @inline(__always)
    private static func insert(_ node: Int, before sentinel: Int, _ nodes: UnsafeMutablePointer<Node>) {
        let tail = nodes[sentinel].previous
        nodes[node].previous = tail
        nodes[node].next = Int32(truncatingIfNeeded: sentinel)
        nodes[Int(tail)].next = Int32(truncatingIfNeeded: node)
        nodes[sentinel].previous = Int32(truncatingIfNeeded: node)
    }
}
