import Foundation
import Testing
@testable import LoadBalancing

/// `ThreadSlots`: each thread remembers its slots in its own thread-local words.
@Suite("Thread slots")
struct ThreadSlotsTests {
    /// Shares one `ThreadSlots` (not copyable) between threads.
    final class Shared: @unchecked Sendable {
        let slots: ThreadSlots
        init(count: Int) { slots = ThreadSlots(count: count) }
    }

    @Test("the first thread gets slot 0 and keeps it, also after calling another selector")
    func oneThread() {
        let first = Shared(count: 4)
        #expect(first.slots.current() == 0)
        #expect((0..<100).allSatisfy { _ in first.slots.current() == 0 })
        let second = Shared(count: 4)
        #expect(second.slots.current() == 0, "a new selector's first claim")
        // Back to the first: the thread remembers its slot there (one word per selector it
        // called last; with one word per thread it claimed slot 1 here).
        #expect(first.slots.current() == 0)
        #expect(second.slots.current() == 0)
    }

    @Test("up to count threads get distinct slots, each keeping its own (the word is per thread)")
    func distinctThreads() {
        let count = 8
        let shared = Shared(count: count)
        let lock = NSLock()
        nonisolated(unsafe) var seen: [[Int]] = Array(repeating: [], count: count)
        runConcurrently(threads: count) { worker in
            var mine: [Int] = []
            for _ in 0..<1_000 { mine.append(shared.slots.current()) }
            lock.lock()
            seen[worker] = mine
            lock.unlock()
        }
        #expect(seen.allSatisfy { Set($0).count == 1 }, "a thread's slot changed: \(seen.map { Set($0) })")
        #expect(Set(seen.map { $0[0] }) == Set(0..<count), "slots \(seen.map { $0[0] })")
    }
}
