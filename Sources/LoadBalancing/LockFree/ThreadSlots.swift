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
/// its counter stripe (`sharded`), its scan cursor (`atomic-scan`, `sharded`) or its random
/// stream (`p2c`).
///
/// Slots are handed out in the order threads first call the selector (0, 1, 2, …, wrapping
/// at `count`), so up to `count` threads never share one, and a single-threaded program
/// always gets slot 0, which makes its random streams reproducible. The calling thread
/// remembers its slot in one thread-local word (`lb_thread_word`, a C11 `_Thread_local`
/// holding the selector's unique owner id and the slot), so finding it again costs one load
/// and a compare (`pthread_getspecific`, used before, was a call through the PLT: 2–3 ns a
/// pick, measured on `round-robin` and `p2c`). A thread that alternates between several selectors
/// claims a new slot at each switch (one shared atomic add); that is correct, just slower.
/// Several threads may share a slot, so everything kept in one must still be atomic.
///
/// - Complexity: `current()` O(1). Memory: 8 bytes plus one padded claim counter.
/// - Note: Thread-safe.
@usableFromInline
struct ThreadSlots: ~Copyable {
    /// How many slots a selector gets by default: the processor count rounded up to a power
    /// of two, at least 2 and at most 64. More slots than processors never help, because at
    /// most one thread per processor runs at a time.
    static let defaultCount: Int = {
        let processors = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var count = 2
        while count < min(max(processors, 1), 64) { count *= 2 }
        return count
    }()

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

    /// The calling thread's slot, `0..<count`.
    @usableFromInline
    func current() -> Int {
        let remembered = UInt(lb_thread_word_get())
        if remembered &>> 16 == owner { return Int(remembered & 0xFFFF) }
        return claim()
    }

    private func claim() -> Int {
        // Relaxed: the claim counter only spreads threads over slots.
        let slot = claims[0].loadThenWrappingIncrement(ordering: .relaxed) & (count - 1)
        lb_thread_word_set(owner &<< 16 | UInt(slot))
        return slot
    }
}
