import Foundation

/// Runs `body(worker)` on `threads` real threads that start together behind a barrier, and
/// returns when all have finished.
///
/// Each worker is an explicit `Thread`, so the workers really overlap (a dispatch pool may run
/// them one after another); the barrier is a condition variable, which ThreadSanitizer
/// understands, so it adds no false reports.
func runConcurrently(threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let barrier = StartBarrier(parties: threads)
    let finished = DispatchGroup()
    for worker in 0..<threads {
        finished.enter()
        let thread = Thread {
            barrier.arriveAndWait()
            body(worker)
            finished.leave()
        }
        thread.start()
    }
    finished.wait()
}

/// A one-shot barrier: `arriveAndWait()` returns once `parties` threads have called it.
final class StartBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int

    init(parties: Int) { waiting = parties }

    func arriveAndWait() {
        condition.lock()
        defer { condition.unlock() }
        waiting -= 1
        if waiting == 0 {
            condition.broadcast()
        } else {
            while waiting > 0 { condition.wait() }
        }
    }
}
