import Atomics

/// How the lock-free selectors lay out their per-server atomic words.
public enum CounterLayout: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// One cache line (64 bytes) per word, so threads that update different servers never
    /// write the same line (no false sharing). 64 bytes per word.
    case cacheLinePerCounter = "padded"
    /// Words side by side, 64 bytes ÷ the word's size to a cache line (sixteen 4-byte counts or
    /// weights, eight 8-byte words): a sixteenth or an eighth of the memory and of the cache
    /// footprint, at the cost of false sharing when threads update neighbouring servers.
    case packed

    public var description: String { rawValue }

    /// The layout for counters that threads update at *random* servers (`p2c`): padded up to
    /// `randomAccessPaddingLimit` servers, packed beyond.
    ///
    /// Padding buys nothing once servers are many: two threads hit the same line only when
    /// their random servers are among the same sixteen, a chance of about 16/n per pick, while
    /// padded counts for n servers take 64·n bytes of cache (6.4 MB at 100,000 servers) and
    /// turn each draw into a cache miss. Measured here, single-threaded p2c pick + release at
    /// 100,000 servers: 39 ns padded, 22 ns packed (17 ns at 64 servers either way; 8-byte
    /// counts then, 4-byte now: see `ActiveCounts`).
    public static func forRandomAccess(serverCount: Int) -> CounterLayout {
        serverCount <= randomAccessPaddingLimit ? .cacheLinePerCounter : .packed
    }

    /// 4,096 padded counts are 256 KB, within a core's L2 cache on current x86-64 and ARM
    /// server parts; above it a pick pays a false-sharing chance under 0.4%.
    public static let randomAccessPaddingLimit = 4_096
}

/// A fixed-size array of atomic integers in one manually allocated, 64-byte-aligned block,
/// either packed or one cache line per element (`CounterLayout`).
///
/// The storage the lock-free selectors share: per-server active counts, striped counts,
/// per-thread cursors and random states, schedule entries. Elements are reached through
/// `subscript`, which hands out an `UnsafeAtomic` for the element, so every call site names
/// its memory ordering (`counts[i].load(ordering: .relaxed)`). The array is noncopyable and
/// frees its block when it goes away, so there is no `destroy()` to forget.
///
/// 64 bytes is the cache line of x86-64 and of most ARM server cores (Apple silicon uses 128;
/// there a padded element still avoids sharing with its neighbours most of the time).
///
/// - Complexity: element access O(1); `init` O(count). Memory: `count` × (the element's size
///   when packed, 64 bytes when padded), plus up to 63 bytes of alignment.
/// - Note: The elements are thread-safe (they are atomics); the array is immutable.
@usableFromInline
struct AtomicCounterArray<Element: AtomicInteger>: ~Copyable where Element.AtomicRepresentation.Value == Element {
    @usableFromInline typealias Storage = Element.AtomicRepresentation

    /// Bytes from one element to the next.
    static func stride(for layout: CounterLayout) -> Int {
        switch layout {
        case .packed: MemoryLayout<Storage>.stride
        case .cacheLinePerCounter: max(cacheLineSize, MemoryLayout<Storage>.stride)
        }
    }

    static var cacheLineSize: Int { 64 }

    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let stride: Int
    @usableFromInline let count: Int

    /// Allocates `count` elements, each set to `initialValue`.
    init(count: Int, layout: CounterLayout, initialValue: Element = 0) {
        precondition(count >= 0, "negative element count")
        stride = Self.stride(for: layout)
        self.count = count
        // Round the block up to whole cache lines so that nothing else allocated after it
        // shares its last line.
        let bytes = (max(count, 1) * stride + Self.cacheLineSize - 1) / Self.cacheLineSize * Self.cacheLineSize
        base = .allocate(byteCount: bytes, alignment: Self.cacheLineSize)
        for index in 0..<count {
            (base + index * stride).initializeMemory(as: Storage.self, to: Storage(initialValue))
        }
    }

    deinit {
        for index in 0..<count {
            let element = (base + index * stride).assumingMemoryBound(to: Storage.self)
            _ = element.pointee.dispose()
            element.deinitialize(count: 1)
        }
        base.deallocate()
    }

    /// The atomic element at `index` (`0..<count`; checked only in debug builds, because
    /// callers pass indices they have already validated or computed in range).
    @inlinable @inline(__always)
    subscript(index: Int) -> UnsafeAtomic<Element> {
        assert(index >= 0 && index < count, "AtomicCounterArray index \(index) out of 0..<\(count)")
        return UnsafeAtomic(at: (base + index &* stride).assumingMemoryBound(to: Storage.self))
    }
}
