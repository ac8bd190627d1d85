import Foundation
import LoadBalancing
import Synchronization

/// Round robin as the seed describes it, for the fairness tests only: picks rotate over the
/// servers with weight > 0 whatever their load. (The library's `round-robin` selector is
/// written separately; this fixture keeps these tests independent of it.) Behind an `NSLock`
/// rather than `Mutex`, which ThreadSanitizer has reported falsely here.
final class RotationSelector: ServerSelector, @unchecked Sendable {
    private struct State {
        var active: [Int]
        var weights: [Int]
        var next = 0
    }

    private let lock = NSLock()
    /// Read and written only with `lock` held.
    private var guarded: State
    let serverCount: Int

    init(weights: [Int]) {
        serverCount = weights.count
        guarded = State(active: Array(repeating: 0, count: weights.count), weights: weights)
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.withLock { body(&guarded) }
    }

    func pick() -> ServerID? {
        withState { state in
            for _ in 0..<state.weights.count {
                let server = state.next
                state.next = (state.next + 1) % state.weights.count
                if state.weights[server] > 0 {
                    state.active[server] += 1
                    return ServerID(server)
                }
            }
            return nil
        }
    }

    func release(_ server: ServerID) {
        withState { state in
            precondition(state.active[server.index] > 0, "release without connection")
            state.active[server.index] -= 1
        }
    }

    func assign(_ server: ServerID) {
        withState { $0.active[server.index] += 1 }
    }

    func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        withState { $0.weights[server.index] = weight }
    }

    func activeConnections() -> [Int] { withState { $0.active } }

    func weights() -> [Int] { withState { $0.weights } }

    func contentionStatistics() -> ContentionStatistics { ContentionStatistics() }
}

/// A test selector that wraps another and passes every call it does not override on to it.
protocol WrappingSelector: ServerSelector {
    var wrapped: any ServerSelector { get }
}

extension WrappingSelector {
    var serverCount: Int { wrapped.serverCount }

    func pick() -> ServerID? { wrapped.pick() }

    func assign(_ server: ServerID) { wrapped.assign(server) }

    func release(_ server: ServerID) { wrapped.release(server) }

    func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try wrapped.setWeight(weight, for: server)
    }

    func activeConnections() -> [Int] { wrapped.activeConnections() }

    func weights() -> [Int] { wrapped.weights() }

    func contentionStatistics() -> ContentionStatistics { wrapped.contentionStatistics() }
}

/// A selector that forgets every `period`-th release: what a lost release callback (gRPC A48)
/// looks like to the harness.
final class LeakySelector: WrappingSelector {
    let wrapped: any ServerSelector
    private let period: Int
    private let releases = Atomic<Int>(0)

    init(wrapping wrapped: any ServerSelector, forgettingEvery period: Int) {
        self.wrapped = wrapped
        self.period = period
    }

    func release(_ server: ServerID) {
        // Relaxed: a plain counter, nothing is published through it.
        if releases.wrappingAdd(1, ordering: .relaxed).newValue % period == 0 { return }
        wrapped.release(server)
    }
}

/// A selector whose first `activeConnections()` (worker 0's first load sample, taken after the
/// gate opens and before its first claim) waits until `picksBeforeSnapshot` picks have been made
/// through it, then sleeps `delaySeconds`: worker 0 then reaches its first claim after every other
/// worker has spent the budget, and wakes well after they ended.
final class SlowFirstSnapshot: WrappingSelector {
    let wrapped: any ServerSelector
    private let picksBeforeSnapshot: Int
    private let delaySeconds: Double
    private let picks = Atomic<Int>(0)
    private let snapshots = Atomic<Int>(0)

    init(wrapping wrapped: any ServerSelector, picksBeforeSnapshot: Int, delaySeconds: Double) {
        self.wrapped = wrapped
        self.picksBeforeSnapshot = picksBeforeSnapshot
        self.delaySeconds = delaySeconds
    }

    func pick() -> ServerID? {
        // Relaxed: a plain counter; the snapshot only waits for its value.
        picks.add(1, ordering: .relaxed)
        return wrapped.pick()
    }

    func activeConnections() -> [Int] {
        // Relaxed: counters only, as above.
        if snapshots.add(1, ordering: .relaxed).oldValue == 0 {
            // Bounded, so that a harness that never makes the picks fails the test, not hangs it.
            let clock = ContinuousClock()
            let giveUp = clock.now + .seconds(60)
            while picks.load(ordering: .relaxed) < picksBeforeSnapshot && clock.now < giveUp {
                Thread.sleep(forTimeInterval: 0.001)
            }
            Thread.sleep(forTimeInterval: delaySeconds)
        }
        return wrapped.activeConnections()
    }
}
