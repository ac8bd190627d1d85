import Foundation
@testable import LBHarness
import Synchronization
import Testing

/// What the workers of a cell share: the start gate, the overlap counter and the pick budget,
/// each held to its contract directly (the harness's runs reach them only through figures that
/// would hide an off-by-one).
@Suite("Worker coordination")
struct WorkerCoordinationTests {
    /// Runs `body(thread)` on `threads` threads at once and waits for them all.
    private static func onThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let joined = DispatchGroup()
        for thread in 0..<threads {
            DispatchQueue(label: "coordination.test.\(thread)").async(group: joined) { body(thread) }
        }
        joined.wait()
    }

    /// The last thread arrives 50 ms after the others: a barrier that let anyone through early
    /// would let them see fewer than every arrival.
    @Test("as a barrier, the gate lets nobody through before the last arrival")
    func barrierWaitsForTheLast() {
        let threads = 3
        let gate = StartGate(parties: threads)
        let arrivals = Atomic<Int>(0)
        let seen = Collected<Int>()
        Self.onThreads(threads) { thread in
            if thread == threads - 1 { Thread.sleep(forTimeInterval: 0.05) }
            // Relaxed: the gate's lock orders every increment before the last arrival's wake-up.
            arrivals.add(1, ordering: .relaxed)
            gate.arriveAndWaitForEveryone()
            let arrived = arrivals.load(ordering: .relaxed)
            seen.append(arrived)
        }
        #expect(seen.values == [threads, threads, threads])
    }

    /// The coordinator's side: it wakes only once every worker has arrived, and the workers go
    /// only when it opens the gate.
    @Test("the coordinator waits for every arrival, and workers wait for it to open the gate")
    func coordinatorOpens() {
        let workers = 2
        let gate = StartGate(parties: workers)
        let arrivals = Atomic<Int>(0)
        let opened = Atomic<Bool>(false)
        let sawOpen = Collected<Bool>()
        let joined = DispatchGroup()
        for worker in 0..<workers {
            DispatchQueue(label: "coordination.worker.\(worker)").async(group: joined) {
                if worker == 1 { Thread.sleep(forTimeInterval: 0.05) }
                arrivals.add(1, ordering: .relaxed)
                gate.arriveAndWait()
                let isOpen = opened.load(ordering: .relaxed)
                sawOpen.append(isOpen)
            }
        }
        gate.waitForEveryone()
        #expect(arrivals.load(ordering: .relaxed) == workers)
        // Held 50 ms before opening: a worker that did not wait for the gate would record false.
        Thread.sleep(forTimeInterval: 0.05)
        opened.store(true, ordering: .relaxed)
        gate.open()
        joined.wait()
        #expect(sawOpen.values == [true, true])
    }

    @Test("the overlap counter keeps the most workers running at once, not the most that ever entered")
    func overlapCountsAtOnce() {
        let counter = OverlapCounter()
        #expect(counter.maximum == 0)
        counter.enter()
        counter.leave()
        counter.enter()
        counter.leave()
        #expect(counter.maximum == 1, "two workers one after the other never overlapped")
        counter.enter()
        counter.enter()
        counter.enter()
        counter.leave()
        #expect(counter.maximum == 3)
    }

    @Test("the overlap counter, entered from many threads at once, sees them all")
    func overlapFromThreads() {
        let threads = 4
        let counter = OverlapCounter()
        let gate = StartGate(parties: threads)
        let left = StartGate(parties: threads)
        Self.onThreads(threads) { _ in
            counter.enter()
            gate.arriveAndWaitForEveryone()  // everyone is inside before anyone leaves
            counter.leave()
            left.arriveAndWaitForEveryone()
        }
        #expect(counter.maximum == threads)
    }

    @Test("the budget grants whole batches, then what is left, then nothing")
    func budgetGrants() {
        let budget = PickBudget(total: 10)
        let grants: [Int] = (0..<4).map { _ in budget.claim(upTo: 4) }
        #expect(grants == [4, 4, 2, 0])
        #expect(PickBudget(total: 0).claim(upTo: 1) == 0)
    }

    @Test("the budget, claimed from many threads at once, grants exactly its total")
    func budgetFromThreads() {
        let total = 100_003
        let budget = PickBudget(total: total)
        let granted = Atomic<Int>(0)
        Self.onThreads(4) { _ in
            while true {
                let grant = budget.claim(upTo: 7)
                if grant == 0 { break }
                granted.add(grant, ordering: .relaxed)
            }
        }
        #expect(granted.load(ordering: .relaxed) == total)
    }

    /// Workers draw unrelated sequences: worker `w`'s seed is the `w`-th output of a SplitMix64
    /// seeded with the run's seed, not the run's seed shifted.
    @Test("each worker's seed is its own draw of the run's seed")
    func workerSeeds() {
        let seeds = (0..<4).map { WorkerLoop.seed(42, worker: $0) }
        #expect(Set(seeds).count == 4, "\(seeds)")
        #expect(seeds == (0..<4).map { WorkerLoop.seed(42, worker: $0) }, "a worker's seed depends on the run's seed only")
        #expect(WorkerLoop.seed(43, worker: 0) != seeds[0])
    }
}

/// Values appended from several threads. An `NSLock`, not the standard library's `Mutex`, which
/// ThreadSanitizer has reported falsely here.
///
/// - Note: Thread-safe.
private final class Collected<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is read and written only under `lock`.
    private let lock = NSLock()
    private var stored: [Value] = []

    func append(_ value: Value) { lock.withLock { stored.append(value) } }

    var values: [Value] { lock.withLock { stored } }
}
