import Foundation
import NIOCore

/// What a run reads at one edge of its measurement window: every farm's backend counters and
/// every balancer's CPU seconds, and when.
///
/// The reads are started from the generator's event loop at the edge itself
/// (`LoadGenerator.run(…atWindowEdge:)`), each queued at once on the loop that owns what it
/// reads, so the backends' window spans the same seconds as the generator's, however late the
/// runner's own task runs. (Before, the runner slept through the warm-up and the window on the
/// cooperative thread pool; with that pool held by blocking work — tests beside it — a read came
/// seconds late, once after every request of a 2-second window: 0 backend requests for a row
/// whose requests were all answered.)
///
/// - Note: A value; thread-safe.
struct WindowEdgeReading: Sendable {
    /// Per farm (row), its backends' counters, in backend order.
    var counters: [[BackendCounters]]
    /// Per row, its balancer's CPU seconds so far.
    var cpuSeconds: [Double]
    /// When the reads were started (`LiveClock`).
    var time: Double

    /// Starts every read now and gathers them.
    ///
    /// - Parameters:
    ///   - farms: each row's backends.
    ///   - cpuSeconds: each row's balancer's CPU reading, started when called.
    ///   - startingWindow: whether this edge starts the window (the backends restart their
    ///     maximum in flight).
    ///   - loop: where the gathered reading completes.
    /// - Complexity: O(backends + rows), each read O(1) on its loop.
    static func read(
        farms: [[LiveBackend]], cpuSeconds: [@Sendable () -> EventLoopFuture<Double>], startingWindow: Bool, on loop: any EventLoop
    ) -> EventLoopFuture<WindowEdgeReading> {
        let time = LiveClock.now()
        let counters = farms.map { backends in
            EventLoopFuture.whenAllSucceed(backends.map { $0.countersFuture(startingWindow: startingWindow) }, on: loop)
        }
        let cpu = cpuSeconds.map { $0() }
        return EventLoopFuture.whenAllSucceed(counters, on: loop)
            .and(EventLoopFuture.whenAllSucceed(cpu, on: loop))
            .map { WindowEdgeReading(counters: $0.0, cpuSeconds: $0.1, time: time) }
    }
}

/// One window edge's reading, completed exactly once: by the edge, or failed by the runner when
/// the run ended without reaching it (so that no promise is left unfulfilled).
///
/// - Note: Thread-safe: `complete` may be called from any thread, any number of times; the
///   first call wins.
final class WindowEdgeSlot: @unchecked Sendable {
    // @unchecked: `completed` is read and written only under `lock`; the promise is Sendable.
    private let lock = NSLock()
    private var completed = false
    private let promise: EventLoopPromise<WindowEdgeReading>

    init(on loop: any EventLoop) {
        promise = loop.makePromise()
    }

    /// The reading, once the slot is completed.
    var reading: EventLoopFuture<WindowEdgeReading> { promise.futureResult }

    /// Completes the slot with `result` unless it already is.
    func complete(_ result: Result<WindowEdgeReading, any Error>) {
        let first = lock.withLock {
            defer { completed = true }
            return !completed
        }
        if first { promise.completeWith(result) }
    }
}
