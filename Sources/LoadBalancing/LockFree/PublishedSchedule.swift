import Atomics

/// A round-robin schedule (one period of server indices) that one writer republishes while
/// any number of readers index it, without locks and without freeing memory a reader may
/// still be reading.
///
/// # Why not an atomic pointer to an immutable schedule
/// That is the simplest safe publication, but the old schedule can never be freed (a reader
/// may have loaded its pointer and be about to read it), so memory grows with every
/// `setWeight` for the selector's life: 4 MB a change for a 1,000,000-entry period. Instead,
/// two buffers take turns, seqlock style (Boehm, "Can seqlocks get along with programming
/// language memory models?", MSPC 2012):
///
/// - Generation `g` lives in buffer `g & 1`, whose `stamp` is `g`. The writer builds
///   generation `g + 1` in the *other* buffer: it first sets that buffer's stamp to
///   `invalid`, fences, writes the entries and the period, sets the stamp to `g + 1`, and only
///   then publishes `generation = g + 1`. The live buffer is never written.
/// - A reader loads the generation `g`, reads buffer `g & 1`, fences, and checks that the
///   stamp is still `g`. It can fail only if the writer has since started generation `g + 2`
///   in that same buffer, that is, if the reader was descheduled across two whole
///   republications; it then simply reads again. Readers never wait for the writer.
/// - A buffer too small for a new period is replaced by one at least twice as large. The old
///   one stays allocated (a slow reader may still hold it; its contents stay those of its
///   generation, so that read is still valid) and is freed with the schedule. Doubling keeps
///   the retired buffers of a side smaller, all together, than its live one.
///
/// Memory: under 8 × 4 bytes × the longest period ever published, never growing with the
/// number of changes: a side's live buffer is at most twice that period (a buffer replaced
/// for a period one entry longer doubles), its retired buffers together smaller than its
/// live one, and there are two sides. Entries are
/// `UInt32` atomics: the seqlock reads them while the writer may be writing, and they must be
/// atomic for that read to be defined (and for ThreadSanitizer to agree).
///
/// - Complexity: `entry(at:)` O(1), lock-free; `publish` O(period).
/// - Note: `entry(at:)` is thread-safe; `publish` must be serialized by the caller (the
///   selector calls it under its weight writer lock).
final class PublishedSchedule {
    /// One buffer: the entries of one generation at a time.
    final class Buffer {
        /// Marks a buffer being rewritten; no generation has this number.
        static let invalid = -1

        let stamp: AtomicCounterArray<Int>
        let period: AtomicCounterArray<Int>
        /// `PublishedSchedule.reciprocal(of: period)`, written with it: the reader's remainder
        /// by the period without a division.
        let reciprocal: AtomicCounterArray<UInt64>
        let entries: AtomicCounterArray<UInt32>
        /// The buffer this one replaced, kept alive for readers that may still hold it.
        let replaced: Buffer?

        init(capacity: Int, replacing replaced: Buffer?) {
            stamp = AtomicCounterArray(count: 1, layout: .packed, initialValue: Buffer.invalid)
            period = AtomicCounterArray(count: 1, layout: .packed)
            reciprocal = AtomicCounterArray(count: 1, layout: .packed)
            entries = AtomicCounterArray(count: capacity, layout: .packed)
            self.replaced = replaced
        }

        var capacity: Int { entries.count }
    }

    /// The published generation, and the two buffers (index `generation & 1`). The writer
    /// touches these lines once per change; readers only load them.
    private let generation: AtomicCounterArray<Int>
    private let buffers: (UnsafeAtomic<Unmanaged<Buffer>?>, UnsafeAtomic<Unmanaged<Buffer>?>)

    /// Publishes `period` as generation 0.
    init(_ period: [UInt32]) {
        generation = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        buffers = (.create(nil), .create(nil))
        write(period, generation: 0)
    }

    deinit {
        buffers.0.destroy()?.release()
        buffers.1.destroy()?.release()
    }

    /// The entry for `ticket` (`ticket % period`) of the currently published schedule, or `nil`
    /// if that schedule is empty (every server was drained when it was published).
    @inline(__always)
    func entry(at ticket: UInt) -> Int? {
        while true {
            // Acquiring: the buffer, its entries and its stamp were written before the writer
            // published this generation with a releasing store.
            let current = generation[0].load(ordering: .acquiring)
            let side = current & 1 == 0 ? buffers.0 : buffers.1
            // Acquiring: a replacement buffer was initialized before its pointer was stored.
            // A generation's buffer is stored before the generation is published: never nil.
            let read: Read = side.load(ordering: .acquiring)!._withUnsafeGuaranteedRef { buffer in
                // `period` never exceeds `capacity`, whatever generation it is read from, so
                // the index is in bounds even when the stamp check below fails.
                let period = buffer.period[0].load(ordering: .relaxed)
                let reciprocal = buffer.reciprocal[0].load(ordering: .relaxed)
                let entry = period == 0
                    ? -1
                    : Int(buffer.entries[Self.remainder(ticket, period, reciprocal)].load(ordering: .relaxed))
                // Acquiring fence: if the loads above saw anything of a later rewrite, the
                // stamp load below sees that rewrite's `invalid` (or later) stamp.
                atomicMemoryFence(ordering: .acquiring)
                if buffer.stamp[0].load(ordering: .relaxed) != current { return .torn }
                return entry < 0 ? .empty : .entry(entry)
            }
            switch read {
            case let .entry(server): return server
            case .empty: return nil
            case .torn: continue
            }
        }
    }

    /// Lemire's reciprocal of a period below 2³² for `remainder`: ⌊(2⁶⁴ − 1) ÷ period⌋ + 1
    /// (0 for a period of 1, which the formula needs as well).
    static func reciprocal(of period: Int) -> UInt64 {
        period > 0 && period <= Int(UInt32.max) ? (UInt64.max / UInt64(period)) &+ 1 : 0
    }

    /// `ticket % period` (`period` > 0). While both are below 2³² (the first 4 billion tickets
    /// of any schedule this library builds), by Lemire, Kaser and Kurz's "faster remainder by
    /// direct computation" (2019): two multiplications instead of a division, which sat in the
    /// middle of every round-robin pick (1 to 2 ns of 12). The result is below `period` even
    /// with a `reciprocal` from another generation (a torn read), so the index stays in bounds.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func remainder(_ ticket: UInt, _ period: Int, _ reciprocal: UInt64) -> Int {
        if _fastPath((ticket | UInt(bitPattern: period)) >> 32 == 0) {
            let fraction = reciprocal &* UInt64(ticket)
            return Int(truncatingIfNeeded: fraction.multipliedFullWidth(by: UInt64(period)).high)
        }
        return Int(ticket % UInt(period))
    }

    private enum Read {
        case entry(Int)
        case empty
        /// The writer rewrote the buffer while it was read: read again.
        case torn
    }

    /// Makes `period` the schedule that readers see from now on. Must not run concurrently
    /// with itself.
    func publish(_ period: [UInt32]) {
        // Relaxed: only this (serialized) writer stores the generation.
        write(period, generation: generation[0].load(ordering: .relaxed) + 1)
    }

    private func write(_ period: [UInt32], generation next: Int) {
        let side = next & 1 == 0 ? buffers.0 : buffers.1
        // Relaxed: only the writer stores buffer pointers.
        let old = side.load(ordering: .relaxed)
        let buffer: Buffer
        if let current = old?.takeUnretainedValue(), current.capacity >= period.count {
            buffer = current
        } else {
            let retired = old?.takeUnretainedValue()
            buffer = Buffer(capacity: max(period.count, 2 * (retired?.capacity ?? 0)), replacing: retired)
            // Releasing: readers that load the pointer see the buffer initialized.
            side.store(Unmanaged.passRetained(buffer), ordering: .releasing)
            // The new buffer's `replaced` now keeps the old one alive.
            old?.release()
        }
        // Relaxed store then releasing fence: the `invalid` stamp is ordered before every
        // entry write below, so a reader that sees any new entry sees the stamp change.
        buffer.stamp[0].store(Buffer.invalid, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        for (index, server) in period.enumerated() {
            buffer.entries[index].store(server, ordering: .relaxed)
        }
        buffer.period[0].store(period.count, ordering: .relaxed)
        buffer.reciprocal[0].store(Self.reciprocal(of: period.count), ordering: .relaxed)
        // Releasing: the entries are complete before the stamp says they are valid...
        buffer.stamp[0].store(next, ordering: .releasing)
        // ...and before readers are sent to this buffer.
        generation[0].store(next, ordering: .releasing)
    }
}
