/// The elements of one of an exact policy's hot arrays, in a buffer whose writes check
/// nothing: no uniqueness test per array and per operation, as every mutation of a Swift
/// `Array` makes. That test is a runtime call (`swift_isUniquelyReferenced_nonNull_native`,
/// through the PLT), and behind the selector's lock, where the pick's and the release's
/// latency is what counts, each cost about 1.3 ns: three per pick + release in `linear-scan`,
/// six in `min-heap` (`linear-scan` behind the lock at 8 servers: 17.5 → 13.9 ns without them).
///
/// Value semantics are kept by the policy, not by the array: a policy holds a
/// `PolicyStorageOwner` beside its `PolicyArray`s, and every mutating operation first calls
/// `isKnownUniquelyReferenced` on the owner, one uniqueness test for all of them (none for a
/// policy an owner adopted: `ExclusivelyOwnablePolicy`). When a copy of the policy shares
/// them, that copies every array (`copy()`) and only then takes a new owner. So a
/// `PolicyArray` must never be kept apart from its policy, and its nonmutating setter must
/// only be used inside a mutating operation of that policy, after that test.
///
/// Indices are checked (`precondition`) on `subscript`, as `Array` checks them; the
/// `withUnsafe…` forms hand the hot loops their elements without checks.
///
/// - Complexity: `subscript`, `count` O(1); `append` amortized O(1); `copy` O(count).
///   Memory: as `Array`: the elements (cache-line aligned), capacity grown by doubling, and
///   one small object that owns them.
/// - Note: Not thread-safe: part of one policy.
@usableFromInline
struct PolicyArray<Element: BitwiseCopyable> {
    /// Owns the memory; `deinit` frees it. Elements are bitwise copyable, so nothing needs
    /// deinitializing.
    @usableFromInline
    final class Allocation {
        let start: UnsafeMutablePointer<Element>

        /// Cache-line aligned, so that where the elements fall across lines does not change
        /// from run to run with the allocator's addresses.
        init(capacity: Int) {
            let bytes = Swift.max(capacity, 1) * MemoryLayout<Element>.stride
            let alignment = Swift.max(64, MemoryLayout<Element>.alignment)
            start = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
                .bindMemory(to: Element.self, capacity: Swift.max(capacity, 1))
        }

        deinit { start.deallocate() }
    }

    /// The first element, kept in the struct so that the hot paths read it without touching
    /// (or retaining) `allocation`.
    @usableFromInline var base: UnsafeMutablePointer<Element>
    @usableFromInline var count: Int
    /// The elements there is room for.
    var capacity: Int
    private var allocation: Allocation

    /// An array of `elements`.
    ///
    /// - Complexity: O(n).
    init(_ elements: some Collection<Element>) {
        allocation = Allocation(capacity: elements.count)
        base = allocation.start
        count = 0
        capacity = elements.count
        append(contentsOf: elements)
    }

    /// `count` copies of `element`.
    init(repeating element: Element, count: Int) {
        self.init(repeatElement(element, count: count))
    }

    @inlinable
    var indices: Range<Int> { 0..<count }

    /// The element at `index`; writing it changes the shared storage (see the type's comment).
    @inlinable
    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "PolicyArray index out of range")
            return base[index]
        }
        @inline(__always) nonmutating set {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "PolicyArray index out of range")
            base[index] = newValue
        }
    }

    /// Runs `body` on the elements, for reading.
    @inlinable
    @inline(__always)
    func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Element>) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Runs `body` on the elements, for reading and writing (see the type's comment).
    @inlinable
    @inline(__always)
    func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Swaps two elements.
    func swapAt(_ a: Int, _ b: Int) {
        let (first, second) = (self[a], self[b])
        self[a] = second
        self[b] = first
    }

    /// Adds `element` at the end, moving the elements to memory twice as large when full.
    ///
    /// - Complexity: amortized O(1).
    mutating func append(_ element: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Adds `elements` at the end.
    ///
    /// - Complexity: O(elements.count), amortized.
    mutating func append(contentsOf elements: some Collection<Element>) {
        if count + elements.count > capacity { grow(toHold: count + elements.count) }
        var slot = base + count
        for element in elements {
            slot.initialize(to: element)
            slot += 1
        }
        count += elements.count
    }

    /// Makes room for `minimumCapacity` elements, exactly, if there is less (for a caller with
    /// its own growth rule).
    ///
    /// - Complexity: O(count) when it moves the elements.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { move(toCapacity: minimumCapacity) }
    }

    /// Removes and returns the last element.
    ///
    /// - Precondition: not empty.
    mutating func removeLast() -> Element {
        precondition(count > 0, "removeLast on an empty PolicyArray")
        count -= 1
        return base[count]
    }

    /// An array of the same elements, with the same spare room, in memory of its own (so that
    /// a copied policy grows when the original would, not at its first append).
    ///
    /// - Complexity: O(count).
    func copy() -> PolicyArray {
        var copy = PolicyArray([])
        copy.reserveCapacity(capacity)
        copy.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        return copy
    }

    /// The elements as an `Array`, for checks and tests.
    var array: [Element] { withUnsafeBufferPointer { Array($0) } }

    /// Moves the elements to memory with room for at least `needed` (at least double).
    private mutating func grow(toHold needed: Int) {
        move(toCapacity: Swift.max(needed, 2 * capacity))
    }

    /// Moves the elements to memory with room for exactly `newCapacity` (≥ count).
    private mutating func move(toCapacity newCapacity: Int) {
        let fresh = Allocation(capacity: newCapacity)
        fresh.start.initialize(from: base, count: count)
        allocation = fresh
        base = fresh.start
        capacity = newCapacity
    }
}

/// The token a policy's `PolicyArray`s are shared through (see `PolicyArray`): a policy and
/// its copies share it exactly when they share their arrays. A policy's mutating operations
/// each begin with
///
///     if _slowPath(!isKnownUniquelyReferenced(&owner)) { copyStorage() }
///
/// where `copyStorage` replaces every `PolicyArray` of the policy by its `copy()` and only
/// then the owner by a new one.
///
/// - Note: Not thread-safe: part of one policy.
@usableFromInline
final class PolicyStorageOwner {
    @usableFromInline init() {}
}

/// A policy whose hot arrays are `PolicyArray`s can skip even its one uniqueness test per
/// operation when its owner guarantees the value is never copied: `LockedSelector` and
/// `CombiningSelector` keep their policy behind a pointer of their own and hand it to no one,
/// and they call `takeExclusiveOwnership()` once, as they adopt it
/// (`adoptedForExclusiveOwnership(_:)`). The test is a runtime call, about 1.3 ns of a pick
/// behind the lock.
package protocol ExclusivelyOwnablePolicy {
    /// Makes the arrays this value's own (copying them if shared) and lets every later
    /// operation skip the copy-on-write test. The value must never be copied afterwards: a
    /// copy would share the arrays and write through them.
    mutating func takeExclusiveOwnership()
}

/// `policy`, with exclusive ownership taken when it is an `ExclusivelyOwnablePolicy`, for an
/// owner that will never copy it (see there).
///
/// - Complexity: O(1) dynamic casts, plus one copy of the policy's arrays when the caller
///   still holds them (always, for a policy passed in: the caller's value keeps its own).
func adoptedForExclusiveOwnership<Policy: SelectionPolicy>(_ policy: Policy) -> Policy {
    guard var ownable = policy as? any ExclusivelyOwnablePolicy else { return policy }
    ownable.takeExclusiveOwnership()
    guard let adopted = ownable as? Policy else { preconditionFailure("a policy changed its type") }
    return adopted
}
