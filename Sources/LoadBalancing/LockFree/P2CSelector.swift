import Atomics
import LBRandom

/// `p2c`, thread-safe and lock-free: power of two choices (see `P2CPolicy`) over atomic
/// per-server counts.
///
/// As in Envoy and gRPC, a pick reads two counts and adds to the winner's with one atomic
/// add; there is no scan and no shared line besides the two servers' counts. Under
/// concurrency the two counts may change between the read and the add, so the winner may no
/// longer be the lower of the two by then: p2c is approximate by design and this adds only
/// the races of the two servers involved.
///
/// # Randomness and what is reproducible
/// Each thread slot (`ThreadSlots`) has its own `SplitMix64` stream in its own cache line: slot 0
/// starts from `seed` itself, slot `s` from the `s`-th output of `SplitMix64(seed)`. A pick takes
/// its random numbers from its slot's stream a block at a time, with one atomic add (`SlotRandom`),
/// so threads that share a slot still never reuse a random value. A program that calls the selector
/// from one thread gets slot 0 and makes exactly the choices of `P2CPolicy(weights:seed:)`, which
/// takes its stream in the same blocks (`PickRandom`) — as long as that thread returns to it
/// within `ThreadSlots.rememberedSelectors` selectors (one that cycles through more claims a new
/// slot, and so another stream, at each return). With several threads, each slot's stream is
/// still fixed by the seed, but which thread gets which slot (the order of their first calls) and
/// how their picks interleave depend on scheduling, so concurrent runs are reproducible in
/// distribution, not pick for pick.
///
/// # Drain
/// Drained servers are never drawn (see `P2CDraw`); a server drained between the draw and the
/// claim is given back and the pick draws again, so no pick that starts after
/// `setWeight(0, …)` returns gets the drained server, and a drain can be waited for: once its
/// count is seen at 0 no connection to it is returned again (`AtomicWeightTable`; a pick
/// racing the drain may raise the count for an instant).
///
/// - Complexity: pick O(1) expected (one alias-table column, two weight and two count loads,
///   one atomic add on the random stream per block of random numbers (`SlotRandom`), one for
///   the count; see `P2CDraw` when most servers are drained); release O(1) lock-free;
///   `setWeight` O(n) when it changes a weight (the alias table is rebuilt), serialized by a
///   writer lock. Memory: 76 bytes per server with padded counts (the default up to 4,096
///   servers), 16 packed (the default beyond: see `CounterLayout.forRandomAccess`: a 4-byte
///   count, a 4-byte weight and an 8-byte alias-table column, which a pick reads only when
///   weights differ); plus 64
///   bytes per thread slot.
/// - Note: Thread-safe. Approximate (see above); lock-free picks and releases, but at the last eligible server's drain or undrain (`AtomicWeightTable`, "Progress").
public final class P2CSelector: ServerSelector {
    public let serverCount: Int
    private let weightTable: AtomicWeightTable
    /// The alias table of the weighted first draw (`WeightAliasTable`), one packed word per
    /// server: rebuilt in place under the weight table's writer lock, read relaxed. A pick may
    /// read some columns of the old table and some of the new one while a writer stores it;
    /// every column still names a server, and one that names a drained server sends the pick
    /// to `P2CDraw`'s reservoir pass.
    private let columns: AtomicCounterArray<UInt64>
    /// 1 while every weight is equal (`WeightAliasTable.isUniform`): the draw skips the
    /// table. Written with the table, read relaxed (a stale 1 draws a drained server at worst,
    /// which sends the pick to the reservoir pass as a stale column does).
    private let uniform: AtomicCounterArray<Int>
    private let active: ActiveCounts
    private let slots: ThreadSlots
    private let randomStates: AtomicCounterArray<UInt64>

    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
    ///   - seed: fixes every slot's random stream.
    ///   - layout: how the per-server counts are laid out; by default one cache line each up
    ///     to 4,096 servers and packed beyond (`CounterLayout.forRandomAccess`).
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], seed: UInt64 = 0, layout: CounterLayout? = nil) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        let layout = layout ?? .forRandomAccess(serverCount: weights.count)
        serverCount = weights.count
        weightTable = AtomicWeightTable(validated: weights)
        columns = AtomicCounterArray(count: weights.count, layout: .packed)
        uniform = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        Self.publish(weights.map { UInt32($0) }, in: columns, uniform)
        active = ActiveCounts(serverCount: weights.count, layout: layout)
        slots = ThreadSlots()
        randomStates = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter)
        var seeds = SplitMix64(seed: seed)
        for slot in 0..<slots.count {
            randomStates[slot].store(slot == 0 ? seed : seeds.next(), ordering: .relaxed)
        }
    }

    public func pick() -> ServerID? {
        var random = SlotRandom(state: randomStates[slots.current()])
        if let server = tryPick(using: &random) { return server }
        return pickAfterAMiss(using: &random)
    }

    /// One draw's pick: the lower of two candidates, claimed; `nil` when the draw found no
    /// candidate (it raced with a drain and an undrain) or a candidate was drained since it was
    /// drawn or before the claim (the claim is released). Straight-line, so that the common
    /// pick keeps its values in registers rather than reloading them around a retry loop.
    @inline(__always)
    private func tryPick(using random: inout SlotRandom) -> ServerID? {
        guard let candidates = P2CDraw.weightedCandidates(
            serverCount: serverCount, uniform: uniform[0].load(ordering: .relaxed) != 0, using: &random,
            column: { columns[$0].load(ordering: .relaxed) },
            weight: { UInt32(truncatingIfNeeded: weightTable.weight($0)) }
        ) else { return nil }
        var winner = candidates.first
        if let second = candidates.second {
            let firstWeight = weightTable.weight(winner)
            let secondWeight = weightTable.weight(second)
            if firstWeight == 0 || secondWeight == 0 { return nil }  // drained since drawn
            winner = P2CDraw.lower(
                winner, score(winner, weight: firstWeight), second, score(second, weight: secondWeight), using: &random)
        }
        active.claim(winner)
        if weightTable.isDrained(afterClaiming: winner) {
            active.release(winner)
            return nil
        }
        return ServerID(winner)
    }

    /// `pick` after a draw gave no server: more draws from the same stream
    /// (`AtomicWeightTable.retry`).
    @inline(never)
    private func pickAfterAMiss(using random: inout SlotRandom) -> ServerID? {
        weightTable.retry { tryPick(using: &random) }
    }

    @inline(__always)
    private func score(_ server: Int, weight: Int) -> Score {
        Score(active: UInt32(truncatingIfNeeded: active.load(server)), weight: UInt32(truncatingIfNeeded: weight))
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        active.release(server.index)
    }

    /// - Complexity: O(n) when the weight changes: the alias table is rebuilt under the writer
    ///   lock; O(1) otherwise.
    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server) { table, _ in
            Self.publish(table.snapshot().map { UInt32($0) }, in: columns, uniform)
        }
    }

    /// Builds the alias table of `weights` and stores it, column by column, and whether the
    /// weights are uniform. Relaxed: a pick that reads a stale flag or column draws one first
    /// candidate by the old weights, and one that lands on a drained server goes to the
    /// reservoir pass (see `columns`).
    private static func publish(
        _ weights: [UInt32], in columns: borrowing AtomicCounterArray<UInt64>, _ uniform: borrowing AtomicCounterArray<Int>
    ) {
        for (server, column) in WeightAliasTable.columns(weights).enumerated() {
            columns[server].store(column, ordering: .relaxed)
        }
        uniform[0].store(WeightAliasTable.isUniform(weights) ? 1 : 0, ordering: .relaxed)
    }

    public func activeConnections() -> [Int] { active.snapshot() }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: active.casRetries)
    }
}

/// Every mutable field is an atomic; weight changes are serialized by the table's lock.
extension P2CSelector: @unchecked Sendable {}

extension P2CSelector {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: O(1): one atomic add on the server's count.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        active.assign(server, serverCount: serverCount)
    }
}
