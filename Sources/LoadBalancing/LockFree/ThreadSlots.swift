import Atomics
import CThreadWord
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands every thread that calls a selector one of the selector's `count` slots: the index of
/// its counter stripe (`sharded`), its scan cursor (`atomic-scan`, `sharded`), its block of
/// tickets (`round-robin`), its random stream (`p2c`, `partitioned`), its remembered shard
/// (`partitioned`) or its request word (`combining`).
///
/// Slots are handed out in the order threads first call the selector (0, 1, 2, …, wrapping
/// at `count`), so the first `count` threads to call it never share one, and a single-threaded
/// program always gets slot 0, which makes its random streams reproducible. Claims are never
/// given back: after threads exit, or return after being forgotten (below), newer threads
/// may share a slot while another sits unused. The calling thread
/// remembers its slot in thread-local words (`lb_thread_words`, a C11 `_Thread_local`: for
/// each of the selectors it called last, the selector's unique owner id and the slot, most
/// recent first), so
/// finding it again costs one load and a compare (`pthread_getspecific`, used before, was a
/// call through the PLT: 2–3 ns a pick, measured on `round-robin` and `p2c`). A thread that
/// alternates between selectors — an event loop serving several upstream pools — finds its
/// slot in each of the last `rememberedSelectors` it called a few loads further, and keeps it:
/// its round-robin rotation, its scan cursor and its random stream stay its own. (With one
/// word per thread, as before, every switch claimed a new slot: one thread alternating
/// between two `round-robin` selectors sent `count` picks in a row to one server.) A thread
/// that returns to a selector it called more than `rememberedSelectors` selectors ago claims
/// a new slot at each return (one atomic add on the selector's claim counter), which is still
/// correct but not the same: its round-robin picks follow several slots' blocks in turn, its
/// cursor and random stream change, as when threads share a slot.
/// Several threads may share a slot, so everything kept in one must still be atomic.
///
/// - Complexity: `current()` O(1): one load for the selector the thread called last, at most
///   `rememberedSelectors` otherwise. Memory: 8 bytes plus one padded claim counter per
///   selector; 8 × `rememberedSelectors` bytes per thread.
/// - Note: Thread-safe.
@usableFromInline
struct ThreadSlots: ~Copyable {
    /// How many slots a selector gets by default: the processor count rounded up to a power
    /// of two, at least 2 and at most 64. More slots than processors never help, because at
    /// most one thread per processor runs at a time.
    static let defaultCount = defaultCount(processors: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// `defaultCount` on a machine of `processors` processors.
    static func defaultCount(processors: Int) -> Int {
        var count = 2
        while count < min(max(processors, 1), 64) { count *= 2 }
        return count
    }

    /// Owner ids: unique per `ThreadSlots` for the life of the process (48 bits would take
    /// 2^48 selectors to wrap).
    private static let owners = ManagedAtomic<UInt>(0)

    /// The number of slots, a power of two.
    @usableFromInline let count: Int
    private let owner: UInt
    private let claims: AtomicCounterArray<Int>

    /// - Parameter count: a power of two, at least 1.
    init(count: Int = ThreadSlots.defaultCount) {
        precondition(count > 0 && count & (count - 1) == 0 && count <= 1 << 16, "slot count must be a power of two ≤ 65536")
        self.count = count
        // Relaxed: ids only need to be distinct.
        owner = Self.owners.wrappingIncrementThenLoad(ordering: .relaxed)
        claims = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
    }

    /// How many selectors a thread remembers its slot in (`LB_THREAD_WORDS`).
    static let rememberedSelectors = Int(LB_THREAD_WORDS)

    /// The calling thread's slot, `0..<count`.
    @usableFromInline
    func current() -> Int {
        let remembered = UInt(lb_thread_word_get())
        if remembered &>> 16 == owner { return Int(remembered & 0xFFFF) }
        return recallOrClaim()
    }

    /// The slot the calling thread remembers for this selector among its other words, or a
    /// newly claimed one.
    @inline(never)
    private func recallOrClaim() -> Int {
        let recalled = UInt(lb_thread_word_recall(owner))
        if recalled != 0 { return Int(recalled & 0xFFFF) }
        // Relaxed: the claim counter only spreads threads over slots.
        let slot = claims[0].loadThenWrappingIncrement(ordering: .relaxed) & (count - 1)
        lb_thread_word_remember(owner &<< 16 | UInt(slot))
        return slot
    }
}
