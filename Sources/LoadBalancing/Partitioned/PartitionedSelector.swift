import Atomics

/// `partitioned`: servers split into shards, each an exact `buckets` policy under its own
/// spinlock, each shard's minimal score published in one atomic word; a pick compares the
/// published minima of two random shards and picks exactly inside the lower one.
///
/// # Why
/// An exact selector behind one lock serializes every pick and release of the farm. Here a
/// pick or release locks one shard of n / k servers, so k shards take k threads at once, and
/// a pick reads two published words instead of every count: O(1) in the number of servers
/// (with equal weights, as `buckets` is). Unlike `p2c`, whose two candidates are single
/// servers, each candidate here is the exact minimum of a whole shard, so the load stays close
/// to exact.
///
/// # Layout
/// Server `i` lives in shard `i % k` as its local server `i / k`, so neighbouring ids spread
/// over shards. `k` is 16 (at most n), the same on every machine so that one-thread runs are
/// reproducible everywhere: enough shards for 16 threads to meet rarely. Each shard is a
/// `LockedSelector<BucketsPolicy, SpinLock>`; its published word packs (active, weight) of its
/// minimal score, weight 0 meaning "no eligible server".
///
/// # What is published, and how approximate a pick is
/// After every operation on a shard, with its lock held, the shard's exact minimal score
/// (`BucketsPolicy.minimalScore()`, O(1) with equal weights) is stored in its word. A pick's
/// server has minimal score in its shard at the moment it is picked (exact, under the lock);
/// across shards, the chosen shard's minimum was the lower of two published words read an
/// instant before. So the error against the global minimum is the spread between shard
/// minima, which power-of-two choices over shards keeps within a few connections (Mitzenmacher
/// 2001: O(log log k) above the mean with two choices), plus whatever other threads did to the
/// two shards between the reads and the lock. With k ≤ 2 every pick compares every shard, and
/// on one thread it is then exact.
///
/// # Ties
/// Inside a shard, the policy's tie rule. Between two shards of equal published score, the
/// pick goes to each with probability proportional to its shard's total eligible weight, so
/// under light load (every score 0) shares follow weights across shards: exactly with k = 2, approximately
/// otherwise (a shard's chance to be drawn does not depend on its weight).
///
/// # Drain
/// A shard whose policy has no eligible server publishes weight 0 and is not drawn; a pick
/// that finds its shard drained under the lock draws again. A pick returns `nil` only when a
/// count of eligible servers, kept as `AtomicWeightTable` keeps it (never below the true
/// number), reads 0: every server was drained at that moment. A drain can be waited for: the
/// shard's lock orders the weight change before every later pick in that shard.
///
/// - Complexity: pick O(1) expected with equal weights (two loads, one shard lock, a `buckets`
///   pick; O(W) with W distinct weights in the shard), release O(1) plus one shard lock,
///   `setWeight` the policy's, plus one shard lock. Memory: `buckets`' 24 bytes per server plus 64 bytes per shard and
///   per thread slot.
/// - Note: Thread-safe. Approximate across shards (see above), exact within one.
public final class PartitionedSelector: ServerSelector {
    public let serverCount: Int
    /// The number of shards.
    public let shardCount: Int
    private let shards: [LockedSelector<BucketsPolicy, SpinLock>]
    /// Each shard's minimal score, packed by `pack(_:weight:)`.
    private let published: AtomicCounterArray<UInt64>
    /// Each shard's total weight of eligible servers (ties between shards).
    private let shardWeights: AtomicCounterArray<Int>
    /// Servers with weight > 0, never below the true number: `nil` only when it reads 0.
    private let eligible: AtomicCounterArray<Int>
    private let slots: ThreadSlots
    private let randomStates: AtomicCounterArray<UInt64>

    /// The default number of shards for `servers` servers.
    public static func defaultShardCount(servers: Int) -> Int { max(1, min(servers, 16)) }

    /// - Parameters:
    ///   - shards: the number of shards, 1 … `weights.count`; by default `defaultShardCount`.
    ///   - seed: fixes every slot's random stream.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], shards: Int? = nil, seed: UInt64 = 0) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        let count = shards ?? Self.defaultShardCount(servers: weights.count)
        precondition(count >= 1 && count <= weights.count, "shards must be between 1 and the server count")
        serverCount = weights.count
        shardCount = count
        var shards: [LockedSelector<BucketsPolicy, SpinLock>] = []
        for shard in 0..<count {
            let members = Array(stride(from: shard, to: weights.count, by: count)).map { weights[$0] }
            // A shard whose servers are all drained is valid here: it publishes "no server".
            let policy = try BucketsPolicy(weights: members.contains { $0 > 0 } ? members : members.map { _ in 1 })
            let selector = LockedSelector<BucketsPolicy, SpinLock>(policy: policy)
            if !members.contains(where: { $0 > 0 }) {
                for local in members.indices { try selector.setWeight(0, for: ServerID(local)) }
            }
            shards.append(selector)
        }
        self.shards = shards
        published = AtomicCounterArray(count: count, layout: .cacheLinePerCounter)
        shardWeights = AtomicCounterArray(count: count, layout: .cacheLinePerCounter)
        eligible = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        eligible[0].store(weights.count { $0 > 0 }, ordering: .relaxed)
        slots = ThreadSlots()
        randomStates = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
        var seeds = SplitMix64(seed: seed)
        for slot in 0..<slots.count {
            randomStates[slot].store(slot == 0 ? seed : seeds.next(), ordering: .relaxed)
        }
        for shard in 0..<count {
            shards[shard].withGuarded { state in
                shardWeights[shard].store(state.policy.weights().reduce(0, +), ordering: .relaxed)
                publishMinimum(shard, of: state.policy)
            }
        }
    }

    @inline(__always)
    private static func pack(_ active: Int, weight: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: active) << 32 | UInt64(truncatingIfNeeded: weight)
    }

    @inline(__always)
    private static func score(_ word: UInt64) -> Score {
        Score(active: UInt32(truncatingIfNeeded: word >> 32), weight: UInt32(truncatingIfNeeded: word))
    }

    @inline(__always)
    private static func isEligible(_ word: UInt64) -> Bool { UInt32(truncatingIfNeeded: word) != 0 }

    public func pick() -> ServerID? {
        var random = SlotRandom(state: randomStates[slots.current()])
        while true {
            // Relaxed: published words are hints; the pick itself runs under the shard's lock.
            guard let candidates = P2CDraw.candidates(
                serverCount: shardCount, using: &random,
                isEligible: { Self.isEligible(published[$0].load(ordering: .relaxed)) }
            ) else {
                if eligible[0].load(ordering: .sequentiallyConsistent) == 0 { return nil }
                continue  // raced with a drain and an undrain: a shard is about to publish
            }
            var shard = candidates.first
            if let second = candidates.second {
                shard = lower(shard, second, using: &random)
            }
            let local = shards[shard].withGuarded { state -> ServerID? in
                guard let local = state.policy.pick() else { return nil }
                publishMinimum(shard, of: state.policy)
                return local
            }
            if let local { return ServerID(local.index * shardCount + shard) }
            // Drained since its word was read: the word now says so (`setWeight` republished).
        }
    }

    /// The shard of lower published score; on a tie, each with probability proportional to
    /// its total eligible weight.
    @inline(__always)
    private func lower(_ first: Int, _ second: Int, using random: inout SlotRandom) -> Int {
        let firstScore = Self.score(published[first].load(ordering: .relaxed))
        let secondScore = Self.score(published[second].load(ordering: .relaxed))
        if firstScore < secondScore { return first }
        if secondScore < firstScore { return second }
        let firstWeight = UInt64(max(shardWeights[first].load(ordering: .relaxed), 0))
        let secondWeight = UInt64(max(shardWeights[second].load(ordering: .relaxed), 0))
        let total = firstWeight &+ secondWeight
        if total == 0 { return first }
        return random.next().multipliedFullWidth(by: total).high < firstWeight ? first : second
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        let shard = server.index % shardCount
        let local = ServerID(server.index / shardCount)
        shards[shard].withGuarded { state in
            state.policy.release(local)
            publishMinimum(shard, of: state.policy)
        }
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try WeightValidation.validate(server, serverCount: serverCount)
        try WeightValidation.validate(weight, for: server.index)
        let shard = server.index % shardCount
        let local = ServerID(server.index / shardCount)
        try shards[shard].withGuarded { (state) throws(SelectorConfigurationError) in
            let old = state.policy.weight(of: local)
            // The eligible count rises before a server becomes eligible and falls after it
            // stopped being, so it is never below the true number (see `AtomicWeightTable`).
            if old == 0 && weight > 0 { eligible[0].wrappingIncrement(ordering: .sequentiallyConsistent) }
            try state.policy.setWeight(weight, for: local)
            shardWeights[shard].wrappingIncrement(by: weight - old, ordering: .relaxed)
            publishMinimum(shard, of: state.policy)
            if old > 0 && weight == 0 { eligible[0].wrappingDecrement(ordering: .sequentiallyConsistent) }
        }
    }

    /// Publishes `shard`'s exact minimal score; the caller holds its lock.
    ///
    /// - Complexity: `BucketsPolicy.minimalScore()`'s, O(1) with equal weights.
    @inline(__always)
    private func publishMinimum(_ shard: Int, of policy: BucketsPolicy) {
        let minimum = policy.minimalScore()
        // Relaxed: a hint for choosing; the pick itself runs under the shard's lock.
        published[shard].store(minimum.map { Self.pack(Int($0.active), weight: Int($0.weight)) } ?? 0, ordering: .relaxed)
    }

    public func activeConnections() -> [Int] {
        let perShard = shards.map { $0.activeConnections() }
        return (0..<serverCount).map { perShard[$0 % shardCount][$0 / shardCount] }
    }

    public func weights() -> [Int] {
        let perShard = shards.map { $0.weights() }
        return (0..<serverCount).map { perShard[$0 % shardCount][$0 / shardCount] }
    }

    public func contentionStatistics() -> ContentionStatistics {
        var total = LockStatistics()
        for shard in shards {
            guard let lock = shard.contentionStatistics().lock else { continue }
            total.acquisitions &+= lock.acquisitions
            total.contendedAcquisitions &+= lock.contendedAcquisitions
            total.waitNanoseconds &+= lock.waitNanoseconds
        }
        return ContentionStatistics(lock: total)
    }
}

/// The shards are thread-safe selectors; the published words and random states are atomics.
extension PartitionedSelector: @unchecked Sendable {}

extension PartitionedSelector {
    /// Counts one more active connection on `server` in its shard.
    ///
    /// - Complexity: O(1) plus one shard lock.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        shards[server.index % shardCount].assign(ServerID(server.index / shardCount))
    }
}
