import Foundation
import LBHarness

/// Runs `body(worker)` on `threads` real threads that start together behind the harness's
/// `StartGate`, and returns when all have finished.
///
/// Each worker is an explicit `Thread`, so the workers really overlap: work items on a
/// dispatch pool may run one after another on one thread unless they block (see `Harness`).
func runConcurrently(threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let gate = StartGate(parties: threads)
    let finished = DispatchGroup()
    for worker in 0..<threads {
        finished.enter()
        let thread = Thread {
            gate.arriveAndWaitForEveryone()
            body(worker)
            finished.leave()
        }
        thread.start()
    }
    finished.wait()
}
