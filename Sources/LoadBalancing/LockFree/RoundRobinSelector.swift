import Atomics

/// `round-robin`, thread-safe and lock-free: tickets, handed out in blocks per thread, index a
/// precomputed period of NGINX's smooth weighted round robin.
///
/// The baseline of the seed article, and not least connections at all: picks follow the
/// schedule whatever the counts say. Each pick takes a ticket (see "Tickets in blocks"), reads
/// entry `ticket % period` of the published schedule (`PublishedSchedule`, republished by
/// `setWeight` without blocking readers), and adds the connection to that server's count,
/// which is kept so the harness can see load and leaks. Called from one thread it makes
/// exactly the choices of `RoundRobinPolicy`; equal weights with one connection in flight
/// rotate exactly — as long as that thread returns to it within
/// `ThreadSlots.rememberedSelectors` selectors (one that cycles through more claims a new
/// slot at each return, and its picks follow the slots' blocks in turn: still every ticket
/// once, but not one rotation).
///
/// # Weight changes while other threads pick
/// `setWeight` stores the weight, then publishes the new schedule. A pick that reads an entry
/// of a server drained since the old schedule was built finds the 0 after claiming it
/// (`AtomicWeightTable`), gives the connection back and takes the next ticket, so no pick that
/// starts after `setWeight(0, …)` returns gets the drained server and a drain can be waited for
/// (once its count is seen at 0, no connection to it is returned again; a pick racing the drain
/// may still raise the count for an instant before giving its claim back). If every server of the old
/// schedule was drained, picks keep taking tickets until the writer publishes (the only
/// moment a pick depends on the writer's progress).
///
/// # Tickets in blocks
/// One shared ticket line written by every pick was the single hot spot of the first design
/// (4.5× at 16 threads on 16 cores). Now each thread slot (`ThreadSlots`) takes
/// `ticketsPerBlock` consecutive tickets with one atomic add on the shared block counter and
/// hands them out from its own cache line, so the shared line is written once per block. A
/// slot's word holds its block and the offset of its next ticket (`offsetBits`): a pick adds
/// one to the word and gets the ticket it read, unless the offset it read is past the block's
/// end; then it takes a new block and installs it with a compare-and-swap. Every ticket is
/// still used once, so each full pass over the schedule still gives every server exactly its
/// weight's share, and one thread alone gets tickets 0, 1, 2, … as before. Only when two
/// threads share a slot (more threads than slots) and both refill it at once does one of them
/// keep just the first ticket of its block, skipping the rest: at most `ticketsPerBlock - 1`
/// tickets per such race, which shifts where in the schedule the next picks land, not the
/// weights of the schedule. (The word was a compare-and-swap loop on the next ticket before:
/// one load more per pick, 11.2–11.7 → 10.8 ns per pick + release at 8 servers here.)
///
/// A slot hands its block's tickets out starting at its own offset (`rotation`: slot `s` starts
/// at `s mod ticketsPerBlock` and wraps round the block), so each block is still used whole.
/// Without it, slots were in phase whenever the schedule's period divides the block (equal
/// weights on 2, 4, 8, 16 or 32 servers): every slot's block began at entry 0, so threads that
/// started together all picked server 0, then all server 1, …, and in a closed loop stayed in
/// step, every connection on one server at a time. Slot 0 has rotation 0, so one thread
/// alone still takes tickets 0, 1, 2, …
///
/// - Complexity: pick O(1) (one atomic add on the slot's word, one on the shared block
///   counter and a compare-and-swap per `ticketsPerBlock` picks, one on the server's count);
///   release O(1) (compare-and-swap that refuses to go below 0); `setWeight` O(n + W·D) as
///   `RoundRobinPolicy`, serialized by a writer lock.
///   Memory: 68 bytes per server (a padded count and a 4-byte packed weight) plus the schedule,
///   4 bytes per entry of its period (4 bytes per server when weights are equal) and, once
///   `setWeight` republished it, under 32 bytes per entry of the longest period published
///   (`PublishedSchedule`), plus 64 bytes per thread slot.
/// - Note: Thread-safe. Lock-free picks and releases, but while a schedule of drained servers
///   is replaced (above) or at the last eligible server's drain or undrain (`AtomicWeightTable`,
///   "Progress").
public final class RoundRobinSelector: ServerSelector {
    public let serverCount: Int
    private let weightTable: AtomicWeightTable
    private let active: ActiveCounts
    private let blocks: AtomicCounterArray<Int>
    private let slots: ThreadSlots
    private let slotTickets: AtomicCounterArray<Int>

    /// Tickets a thread slot takes from the shared counter at once: a power of two (a slot's
    /// rotation wraps round the block with a mask).
    static let ticketsPerBlock = 32
    private let schedule: PublishedSchedule

    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
    ///   - layout: how the per-server counts are laid out; padded by default, since
    ///     consecutive tickets go to neighbouring servers.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], layout: CounterLayout = .cacheLinePerCounter) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        serverCount = weights.count
        weightTable = AtomicWeightTable(validated: weights)
        active = ActiveCounts(serverCount: weights.count, layout: layout)
        blocks = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        slots = ThreadSlots()
        slotTickets = AtomicCounterArray(count: slots.count, layout: .cacheLinePerCounter, initialValue: Self.ticketsPerBlock)
        schedule = PublishedSchedule(SmoothWeightedSchedule.period(weights: weights))
    }

    public func pick() -> ServerID? {
        if let server = tryPick() { return server }
        return pickAfterAMiss()
    }

    /// One ticket's pick: the server its schedule entry names, claimed, or `nil` when the entry
    /// is empty (a server was undrained and its schedule is being published) or its server was
    /// drained before the claim (the claim is released). Straight-line, so that the common
    /// pick keeps its values in registers (inside `pick`'s retry loop the compiler loaded every
    /// field up front and kept them on the stack: about 4 ns of a 20 ns pick + release).
    @inline(__always)
    private func tryPick() -> ServerID? {
        guard let server = schedule.entry(at: nextTicket()) else { return nil }
        active.claim(server)
        if weightTable.isDrained(afterClaiming: server) {
            active.release(server)
            return nil
        }
        return ServerID(server)
    }

    /// `pick` after a ticket gave no server: the next tickets (`AtomicWeightTable.retry`).
    @inline(never)
    private func pickAfterAMiss() -> ServerID? { weightTable.retry { tryPick() } }

    /// The calling thread's next ticket: from its slot's block, or the first of a new block.
    @inline(__always)
    func nextTicket() -> UInt {
        let slot = slots.current()
        let word = slotTickets[slot]
        return Self.takeTicket(from: word, slot: slot) ?? refill(word, slot: slot)
    }

    /// The next ticket of the block in slot word `word` of slot `slot` (one atomic add), or
    /// `nil` when the block is used up: then the caller refills the slot.
    @inline(__always)
    static func takeTicket(from word: UnsafeAtomic<Int>, slot: Int) -> UInt? {
        // Relaxed: tickets only order the rotation; the schedule read synchronizes itself.
        let taken = word.loadThenWrappingIncrement(ordering: .relaxed)
        let offset = taken & offsetMask
        guard _fastPath(offset < ticketsPerBlock) else { return nil }
        return ticket(block: taken &>> offsetBits, offset: offset, slot: slot)
    }

    /// The ticket a slot's `offset`-th take of block `block` yields: the block's tickets,
    /// starting at the slot's rotation and wrapping round the block.
    @inline(__always)
    static func ticket(block: Int, offset: Int, slot: Int) -> UInt {
        UInt(bitPattern: block &* ticketsPerBlock &+ ((offset &+ slot) & (ticketsPerBlock &- 1)))
    }

    /// Slot `slot`'s word, for tests that play out two threads sharing a slot step by step.
    func slotWord(_ slot: Int) -> UnsafeAtomic<Int> { slotTickets[slot] }

    /// Takes a new block for a slot whose block is used up, installs it with its first ticket
    /// taken, and returns that ticket. If a thread sharing the slot installed one meanwhile,
    /// keeps only the first ticket of its own block (see "Tickets in blocks").
    @inline(never)
    func refill(_ word: UnsafeAtomic<Int>, slot: Int) -> UInt {
        // Relaxed: the block counter only hands out distinct blocks.
        let block = blocks[0].loadThenWrappingIncrement(ordering: .relaxed)
        var current = word.load(ordering: .relaxed)
        while current & Self.offsetMask >= Self.ticketsPerBlock {
            let (exchanged, found) = word.compareExchange(
                expected: current, desired: block &<< Self.offsetBits | 1, ordering: .relaxed)
            if exchanged { break }
            current = found
        }
        return Self.ticket(block: block, offset: 0, slot: slot)
    }

    /// A slot word is `block << offsetBits | offset`: the slot's block (its tickets are
    /// `block × ticketsPerBlock ..< (block + 1) × ticketsPerBlock`) and the offset of its next
    /// ticket. An offset of `ticketsPerBlock` or more means the block is used up; threads
    /// sharing the slot may each add one more before one of them installs a new block, so the
    /// offset never reaches 2^16 unless 65,000 threads share one slot. A word starts used up
    /// (offset `ticketsPerBlock`), so a slot's first pick takes a block. Blocks past 2^47 lose
    /// their top bits in the word (after 4.5 × 10^15 tickets): the rotation's phase moves,
    /// as at a ticket's wrap-around.
    static let offsetBits = 16
    static let offsetMask = 1 << offsetBits - 1

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        active.release(server.index)
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server) { table, _ in
            schedule.publish(SmoothWeightedSchedule.period(weights: table.snapshot()))
        }
    }

    public func activeConnections() -> [Int] {
        active.snapshot()
    }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: active.casRetries)
    }
}

/// Every mutable field is an atomic or the `PublishedSchedule`, whose writer runs under the
/// weight table's lock.
extension RoundRobinSelector: @unchecked Sendable {}

extension RoundRobinSelector {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: O(1): one atomic add on the server's count.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        active.assign(server, serverCount: serverCount)
    }
}
