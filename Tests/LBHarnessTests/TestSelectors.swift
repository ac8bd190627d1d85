import Foundation
@testable import LBHarness
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
/// gate opens and before its first claim) blocks until `ready` holds of the picks made through it
/// so far: worker 0 then reaches its first claim only after the other workers got that far. Given
/// up after `giveUpSeconds`, so that a harness that never gets there fails the test rather than
/// hangs it.
final class HeldFirstSnapshot: WrappingSelector {
    let wrapped: any ServerSelector
    private let giveUpSeconds: Int64
    private let ready: @Sendable (_ picks: Int) -> Bool
    private let picks = Atomic<Int>(0)
    private let snapshots = Atomic<Int>(0)

    init(
        wrapping wrapped: any ServerSelector, giveUpSeconds: Int64 = 60,
        until ready: @escaping @Sendable (_ picks: Int) -> Bool
    ) {
        self.wrapped = wrapped
        self.giveUpSeconds = giveUpSeconds
        self.ready = ready
    }

    func pick() -> ServerID? {
        // Relaxed: a plain counter; the snapshot only waits for its value.
        picks.add(1, ordering: .relaxed)
        return wrapped.pick()
    }

    func activeConnections() -> [Int] {
        // Relaxed: counters only, as above.
        if snapshots.add(1, ordering: .relaxed).oldValue == 0 {
            let clock = ContinuousClock()
            let giveUp = clock.now + .seconds(giveUpSeconds)
            while !ready(picks.load(ordering: .relaxed)) && clock.now < giveUp {
                Thread.sleep(forTimeInterval: 0.001)
            }
        }
        return wrapped.activeConnections()
    }
}

/// A selector that answers `nil` to every `period`-th pick, as a buggy selector might, and keeps
/// the books the harness must balance: picks refused and served, releases, and releases of a
/// server with no connection (counted, not passed on: the wrapped selector would stop the
/// process). A lock makes each release's check and call one step.
final class RefusingSelector: WrappingSelector, @unchecked Sendable {
    // @unchecked: `books` is read and written only under `lock`.
    struct Books: Equatable {
        var calls = 0
        var refused = 0
        var served = 0
        var released = 0
        var releasedWithoutConnection = 0
    }

    let wrapped: any ServerSelector
    private let period: Int
    private let lock = NSLock()
    private var books = Books()

    init(wrapping wrapped: any ServerSelector, refusingEvery period: Int) {
        self.wrapped = wrapped
        self.period = period
    }

    var counted: Books { lock.withLock { books } }

    func pick() -> ServerID? {
        lock.withLock {
            books.calls += 1
            guard books.calls % period != 0, let server = wrapped.pick() else {
                books.refused += 1
                return nil
            }
            books.served += 1
            return server
        }
    }

    func release(_ server: ServerID) {
        lock.withLock {
            books.released += 1
            guard wrapped.activeConnections()[server.index] > 0 else {
                books.releasedWithoutConnection += 1
                return
            }
            wrapped.release(server)
        }
    }
}

/// A selector whose picks or releases sleep: a latency the harness must put on the call that
/// took it, not on its neighbour.
final class SleepingSelector: WrappingSelector {
    let wrapped: any ServerSelector
    private let pickSleep: Double
    private let releaseSleep: Double

    init(wrapping wrapped: any ServerSelector, pickSleep: Double, releaseSleep: Double) {
        self.wrapped = wrapped
        self.pickSleep = pickSleep
        self.releaseSleep = releaseSleep
    }

    func pick() -> ServerID? {
        if pickSleep > 0 { Thread.sleep(forTimeInterval: pickSleep) }
        return wrapped.pick()
    }

    func release(_ server: ServerID) {
        if releaseSleep > 0 { Thread.sleep(forTimeInterval: releaseSleep) }
        wrapped.release(server)
    }
}

/// A selector whose compare-and-swap retry counter counts its picks: over a run's measured part
/// the harness must report exactly one retry per measured pick (the fills come before its first
/// reading, the hand-back of held connections after its second).
final class PickCountingContention: WrappingSelector {
    let wrapped: any ServerSelector
    private let picks = Atomic<UInt64>(0)

    init(wrapping wrapped: any ServerSelector) { self.wrapped = wrapped }

    func pick() -> ServerID? {
        // Relaxed: a plain counter, read after the workers are joined.
        picks.add(1, ordering: .relaxed)
        return wrapped.pick()
    }

    func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: picks.load(ordering: .relaxed))
    }
}

/// A selector that, once every connection it served has come back, reports +1 on server 0 and
/// −1 on server 1: two faults that a signed sum would cancel out. Only the harness's leak check
/// runs then (worker 0's load samples come while connections are held).
final class OffsettingCounts: WrappingSelector {
    let wrapped: any ServerSelector
    private let served = Atomic<Int>(0)
    private let released = Atomic<Int>(0)

    init(wrapping wrapped: any ServerSelector) { self.wrapped = wrapped }

    func pick() -> ServerID? {
        let server = wrapped.pick()
        // Relaxed: counters only; the harness reads the counts after joining the workers.
        if server != nil { served.add(1, ordering: .relaxed) }
        return server
    }

    func release(_ server: ServerID) {
        wrapped.release(server)
        released.add(1, ordering: .relaxed)
    }

    func activeConnections() -> [Int] {
        var counts = wrapped.activeConnections()
        let drained = released.load(ordering: .relaxed) == served.load(ordering: .relaxed)
        if drained && served.load(ordering: .relaxed) > 0 {
            counts[0] += 1
            counts[1] -= 1
        }
        return counts
    }
}

/// One thread's picks and releases in the order they were made.
final class RecordingSelector: WrappingSelector, @unchecked Sendable {
    // @unchecked: `recorded` is read and written only under `lock`.
    enum Event: Equatable {
        case picked(Int)
        case released(Int)
    }

    let wrapped: any ServerSelector
    private let lock = NSLock()
    private var recorded: [Event] = []

    init(wrapping wrapped: any ServerSelector) { self.wrapped = wrapped }

    var events: [Event] { lock.withLock { recorded } }

    func pick() -> ServerID? {
        let server = wrapped.pick()
        if let server { lock.withLock { recorded.append(.picked(server.index)) } }
        return server
    }

    func release(_ server: ServerID) {
        lock.withLock { recorded.append(.released(server.index)) }
        wrapped.release(server)
    }
}
