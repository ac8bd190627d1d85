import Atomics
import LBRandom

/// `partitioned`: servers split into shards, each an exact `buckets` policy under its own
/// spinlock, each shard's minimal score published in one atomic word; a pick compares the
/// published minima of two random shards and of the shard its thread slot remembers, and
/// picks exactly inside the lowest.
///
/// # Why
/// An exact selector behind one lock serializes every pick and release of the farm. Here a
/// pick or release locks one shard of n / k servers, so k shards take k threads at once, and
/// a pick reads three published words instead of every count: O(1) in the number of servers
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
/// # Memory: the shard a slot remembers
/// Two random shards alone leave 0.973 jainLoad at 64 servers under `mixed` (16 shards of 4):
/// a release lowers one shard's minimum, and the next pick finds that shard only if it draws
/// it (2 in 16), so servers drift to one above and one below the mean. So each thread slot
/// remembers one shard, as in load balancing with memory (Shah and Prabhakar, "The use of
/// memory in randomized load balancing", ISIT 2002; Mitzenmacher, Prabhakar and Shah, FOCS
/// 2002): a release remembers its shard (its minimum just fell), and a pick remembers the
/// lower of its winner, as it stands after the pick, and the runner-up among its candidates.
/// The remembered shard joins the two random ones as a third candidate (`ShardChoice`). That
/// costs one more load per pick and one relaxed store per release, and lifts jainLoad at 64
/// servers to 0.998–1.000 in `lbbench`'s loop, where each release is followed by a pick on
/// the same thread (see the README's selector table). Where releases and picks come apart
/// (runs of releases, then runs of picks) the memory helps less: only the last release is
/// remembered.
///
/// # How far from exact a pick is
/// - Inside the chosen shard: exact. The pick runs under the shard's lock and takes a server
///   of minimal score in that shard at that moment.
/// - Across shards, on one thread: no pick has a deterministic bound against the global
///   minimum (the shard holding it is a candidate only when drawn or remembered), but one
///   rule holds exactly: if every score is equal and a release is followed by a pick on the
///   same thread (a proxy's "connection closed, next request"), the released server is the
///   unique minimum and its shard is remembered, so the pick takes it back and the farm stays
///   even. Otherwise the gap is that of three-choice with memory over k shards: a few
///   connections at most (Mitzenmacher 2001 gives O(log log k) above the mean for two
///   choices; memory lowers it further).
/// - Under concurrency, in addition: the three words are read an instant before the lock. In
///   between, each pick another thread completes in the chosen shard raises its minimum by at
///   most one connection per unit of weight, and each release completed in another candidate
///   lowers that one's by at most as much. So a pick's score exceeds the lowest of its
///   candidates, as they stand when it takes the lock, by at most the number of operations
///   other threads completed on those candidates between its reads and its lock (with equal
///   weights, in connections); with k shards and t ≪ k threads that is almost always 0.
///   Memory is per slot, so threads sharing a slot (more threads than slots) remember each
///   other's shards: still a valid candidate, just a weaker hint.
/// With k ≤ 2 every pick compares every shard, and on one thread it is then exact.
///
/// # Ties
/// Inside a shard, the policy's tie rule. Between candidate shards of equal published score,
/// the pick goes to each with probability proportional to its shard's total eligible weight,
/// so under light load (every score 0) shares follow weights across shards: exactly with
/// k = 2, approximately otherwise (a shard's chance to be drawn does not depend on its
/// weight; the remembered shard keeps that balance, as it is the last one picked or released).
///
/// # Drain
/// A shard whose policy has no eligible server publishes weight 0 and is not drawn; a pick
/// that finds its shard drained under the lock draws again. A pick returns `nil` only when a
/// count of eligible servers, kept as `AtomicWeightTable` keeps it (never below the true
/// number), reads 0: every server was drained at that moment. A drain can be waited for: the
/// shard's lock orders the weight change before every later pick in that shard.
///
/// - Complexity: pick O(1) expected with equal weights (three published words and two weights
///   loaded, one shard lock, a `buckets` pick; O(W) with W distinct weights in the shard),
///   release O(1) plus one shard lock and one store to the slot's memory, `setWeight` the
///   policy's, plus one shard lock. Memory: `buckets`' 32 bytes per server (its node,
///   `BucketsPolicy.Node`), plus about 1 KB per shard (two cache lines of published words,
///   and its lock and `buckets` policy with room for 16 bucket sentinels: 960 bytes with
///   equal weights) and 128 bytes per thread slot.
/// - Note: Thread-safe. Approximate across shards (see above), exact within one.
public final class PartitionedSelector: ServerSelector {
    public let serverCount: Int
    /// The number of shards.
    public let shardCount: Int
    /// The shards (internal for tests, which plant states no test could reach by picking).
    let shards: [LockedSelector<BucketsPolicy, SpinLock>]
    /// Each shard's minimal score, packed by `pack(_:weight:)`.
    private let published: AtomicCounterArray<UInt64>
    /// Each shard's total weight of eligible servers (ties between shards).
    private let shardWeights: AtomicCounterArray<Int>
    /// Servers with weight > 0, never below the true number: `nil` only when it reads 0.
    private let eligible: AtomicCounterArray<Int>
    private let slots: ThreadSlots
    private let randomStates: AtomicCounterArray<UInt64>
    /// Each slot's remembered shard: the shard of its last release, or after a pick the lower
    /// of the winner and the runner-up.
    private let memories: AtomicCounterArray<Int>

    /// The default number of shards for `servers` servers.
    public static func defaultShardCount(servers: Int) -> Int { max(1, min(servers, 16)) }

    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
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
        memories = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
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
        let slot = slots.current()
        var random = SlotRandom(state: randomStates[slot])
        let memory = memories[slot]
        while true {
            // Relaxed: published words are hints; the pick itself runs under the shard's lock.
            guard let candidates = P2CDraw.candidates(
                serverCount: shardCount, using: &random,
                isEligible: { Self.isEligible(published[$0].load(ordering: .relaxed)) }
            ) else {
                if eligible[0].load(ordering: .sequentiallyConsistent) == 0 { return nil }
                continue  // raced with a drain and an undrain: a shard is about to publish
            }
            var choice = ShardChoice()
            consider(candidates.first, in: &choice, using: &random)
            if let second = candidates.second { consider(second, in: &choice, using: &random) }
            // Relaxed: the remembered shard is a hint; any value is a valid shard.
            let remembered = memory.load(ordering: .relaxed)
            if remembered != candidates.first && remembered != candidates.second {
                consider(remembered, in: &choice, using: &random)
            }
            let shard = choice.winner
            if shard < 0 { continue }  // every candidate drained since drawn
            let naming = serverNaming(ofShard: shard)
            let picked = shards[shard].withGuarded { state -> (local: ServerID, minimum: UInt64)? in
                guard let local = state.policy.pick(naming: naming) else { return nil }
                return (local, publishMinimum(shard, of: state.policy))
            }
            if let picked {
                let winnerNow = Self.isEligible(picked.minimum) ? Self.score(picked.minimum) : nil
                memory.store(choice.remembered(winnerNow: winnerNow), ordering: .relaxed)
                return naming.callersServer(picked.local.index)
            }
            // Drained since its word was read: the word now says so (`setWeight` republished).
        }
    }

    /// Takes `shard`'s published minimum and eligible weight into `choice`, unless it
    /// publishes "no eligible server".
    @inline(__always)
    private func consider(_ shard: Int, in choice: inout ShardChoice, using random: inout SlotRandom) {
        // Relaxed: hints, as above.
        let word = published[shard].load(ordering: .relaxed)
        guard Self.isEligible(word) else { return }
        choice.consider(
            shard, score: Self.score(word), weight: shardWeights[shard].load(ordering: .relaxed), using: &random)
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        let shard = server.index % shardCount
        let local = ServerID(server.index / shardCount)
        shards[shard].withGuarded { state in
            state.policy.release(local, naming: serverNaming(ofShard: shard))
            publishMinimum(shard, of: state.policy)
        }
        // Relaxed: a hint. The shard just lost a connection, so its minimum may be the lowest.
        memories[slots.current()].store(shard, ordering: .relaxed)
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

    /// How `shard`'s policy names its servers to the caller: local server `i` is server
    /// `i × shardCount + shard`, for its misuse messages and for mapping its picks back.
    @inline(__always)
    private func serverNaming(ofShard shard: Int) -> ServerNaming { ServerNaming(stride: shardCount, offset: shard) }

    /// Publishes `shard`'s exact minimal score; the caller holds its lock.
    ///
    /// - Complexity: `BucketsPolicy.minimalScore()`'s, O(1) with equal weights.
    /// - Returns: the published word.
    @inline(__always) @discardableResult
    private func publishMinimum(_ shard: Int, of policy: BucketsPolicy) -> UInt64 {
        let minimum = policy.minimalScore()
        let word = minimum.map { Self.pack(Int($0.active), weight: Int($0.weight)) } ?? 0
        // Relaxed: a hint for choosing; the pick itself runs under the shard's lock.
        published[shard].store(word, ordering: .relaxed)
        return word
    }

    /// Each shard's counts under its lock, one shard after another: a snapshot of each shard,
    /// not of the farm (see `ServerSelector.activeConnections()`).
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
    /// Counts one more active connection on `server` in its shard, and republishes the
    /// shard's minimum (which the connection may have raised).
    ///
    /// - Complexity: O(1) plus one shard lock.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "assign")
        let shard = server.index % shardCount
        shards[shard].withGuarded { state in
            state.policy.assign(ServerID(server.index / shardCount), naming: serverNaming(ofShard: shard))
            publishMinimum(shard, of: state.policy)
        }
    }
}
