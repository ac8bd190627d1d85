import Foundation
import Testing
@testable import LoadBalancing

/// `CombiningSelector`: requests published while the lock is held are applied by the lock
/// holder, in slot order, with the policy's exact semantics.
@Suite("Flat combining")
struct CombiningSelectorTests {
    /// Waits (yielding) until `count` slots hold a pending request.
    static func waitForPublished<Policy>(_ count: Int, in selector: CombiningSelector<Policy>) {
        while (0..<ThreadSlots.defaultCount).count(where: {
            CombiningRequest.isPending(selector.requests[$0].load(ordering: .acquiring))
        }) < count {
            sched_yield()
        }
    }

    @Test("picks published while the lock is held are answered by the combiner, exactly")
    func combinerAnswersPublishedPicks() throws {
        let threads = ThreadSlots.defaultCount
        let weights = [2, 1, 1, 3]
        let selector = try CombiningSelector<BucketsPolicy>(weights: weights)
        let answers = Answers()
        selector.lock.lock()
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                answers.append(selector.pick())
                done.leave()
            }.start()
        }
        Self.waitForPublished(threads, in: selector)
        selector.combine()
        selector.lock.unlock()
        done.wait()
        // The combiner applied them one after another: the same servers as `threads` picks in a row.
        var reference = try ReferenceLeastConnections(weights: weights)
        let expected = (0..<threads).map { _ in reference.pick() }
        #expect(answers.sorted() == expected.compactMap { $0 }.sorted())
        #expect(selector.activeConnections() == reference.activeConnections())
        #expect(selector.contentionStatistics().lock?.contendedAcquisitions == UInt64(threads))
    }

    /// `assign`, `setWeight` and the snapshots took the lock uncounted, so `combining`'s
    /// acquisitions were not comparable with `mutex`'s.
    @Test("every operation counts as an acquisition, as behind LockedSelector")
    func statisticsCountEveryOperation() throws {
        let weights = [2, 1, 1, 3]
        let combining = try CombiningSelector<BucketsPolicy>(weights: weights)
        let locked = try LockedSelector<BucketsPolicy, BlockingLock>(weights: weights)
        func operations(_ selector: some ServerSelector) throws -> ContentionStatistics {
            let server = try #require(selector.pick())
            selector.release(server)
            selector.assign(ServerID(1))
            try selector.setWeight(4, for: ServerID(2))
            _ = selector.activeConnections()
            _ = selector.weights()
            return selector.contentionStatistics()
        }
        let fromCombining = try #require(try operations(combining).lock)
        let fromLocked = try #require(try operations(locked).lock)
        #expect(fromCombining.acquisitions == fromLocked.acquisitions)
        #expect(fromCombining.acquisitions == 7)
        #expect(fromCombining.contendedAcquisitions == 0)
    }

    @Test("releases published while the lock is held are applied", arguments: [1, 2])
    func combinerAppliesPublishedReleases(releasing: Int) throws {
        let selector = try CombiningSelector<MinHeapPolicy>(weights: [1, 1, 1])
        let held = (0..<releasing).compactMap { _ in selector.pick() }
        selector.lock.lock()
        let done = DispatchGroup()
        for server in held {
            done.enter()
            Thread {
                selector.release(server)
                done.leave()
            }.start()
        }
        Self.waitForPublished(releasing, in: selector)
        selector.combine()
        selector.lock.unlock()
        done.wait()
        #expect(selector.activeConnections() == [0, 0, 0])
    }

    @Test("more threads than slots: counts drain to 0", arguments: [LockKind.combining], [SelectorKind.linearScan, .minHeap, .buckets])
    func moreThreadsThanSlots(lock: LockKind, kind: SelectorKind) throws {
        let threads = ThreadSlots.defaultCount * 4
        let selector = try kind.makeSelector(weights: [1, 2, 3, 1, 1], lock: lock)
        let picked = Answers()
        runConcurrently(threads: threads) { worker in
            var held: [ServerID] = []
            for step in 0..<5_000 {
                guard let server = selector.pick() else { fatalError("no server picked") }
                held.append(server)
                if held.count > 4 || step % 3 == 0 { selector.release(held.removeFirst()) }
                if worker == 0 && step % 500 == 0 { try? selector.setWeight(step % 1_000 == 0 ? 0 : 1, for: ServerID(3)) }
            }
            for server in held { selector.release(server) }
            picked.append(nil)
        }
        #expect(picked.count == threads, "every worker finished")
        #expect(selector.activeConnections() == [0, 0, 0, 0, 0])
    }
}

/// Answers collected from several threads.
final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [ServerID?] = []

    func append(_ value: ServerID?) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }

    func sorted() -> [ServerID] {
        lock.lock()
        defer { lock.unlock() }
        return values.compactMap { $0 }.sorted()
    }
}
