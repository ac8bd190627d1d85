import Foundation
import LBRandom
import LBWorkloads
import LoadBalancing
import NIOCore
import NIOHTTP1
import NIOPosix

/// The load generator: sends requests to balancers on 127.0.0.1:`ports` and measures each one
/// itself, from writing the request to reading the response's last byte.
///
/// Open loop (`run(arrivals:)`): every arrival goes to every port at its scheduled time,
/// whatever the responses do — so balancers measured side by side get the same requests at the
/// same instants, and whatever slows the machine slows them alike; the order in which one
/// arrival's copies are written rotates (`sendOrder`), so no balancer is always first. Requests
/// go out on idle keep-alive connections or new ones (at most `maximumConnections` per port;
/// beyond that a request waits for a connection). A request's latency runs from writing it;
/// how late it was written after its scheduled time — the generator's own delay, a wait for a
/// connection, a new connection's connect — is recorded per port as its lateness
/// (`GeneratorOutcome.meanLag`), so a wait the latency leaves out is seen. Closed loop
/// (`run(population:…)`): per port, `population` clients each send, wait for the response,
/// think, and send again, with the same seeds for every port. Only requests sent inside the
/// measurement window (after the warm-up) are measured. A run ends when every request has
/// completed or `drain` seconds after the window closed, whichever comes first; then every
/// connection is closed.
///
/// # Thread safety
/// A value describing the run; each run's state is confined to the given event loop.
public struct LoadGenerator: Sendable {
    /// Where requests go (127.0.0.1), one balancer per port; at least one.
    public var ports: [Int]
    /// Seconds of speed-1 work in a request of size 1 (the mean).
    public var unit: Double
    /// Seconds of traffic before measuring starts.
    public var warmup: Double
    /// Seconds of measured traffic.
    public var duration: Double
    /// Seconds to wait for outstanding requests after the window closes.
    public var drain: Double
    /// The most client connections open at once, per port.
    public var maximumConnections: Int

    public init(ports: [Int], unit: Double, warmup: Double, duration: Double, drain: Double, maximumConnections: Int) {
        precondition(!ports.isEmpty, "a load generator needs a port")
        self.ports = ports
        self.unit = unit
        self.warmup = warmup
        self.duration = duration
        self.drain = drain
        self.maximumConnections = maximumConnections
    }

    /// An edge of the measurement window: `warmup` and `warmup + duration` seconds after the
    /// generator's own start.
    public enum WindowEdge: Sendable { case start, end }

    /// Open loop: sends `arrivals` (times relative to the start) to every port and measures
    /// those at or after `warmup` and before `warmup + duration`; one outcome per port, in order.
    ///
    /// - Parameter atWindowEdge: called on `eventLoop` at each edge of the window, on the
    ///   generator's own clock, so that what the caller reads there (the backends' counters)
    ///   spans the same seconds as the requests measured, however late the caller's own task runs.
    public func run(
        arrivals: [Arrival], on eventLoop: any EventLoop, atWindowEdge: (@Sendable (WindowEdge) -> Void)? = nil
    ) async throws -> [GeneratorOutcome] {
        try await eventLoop.flatSubmit {
            let run = GeneratorRun(settings: self, eventLoop: eventLoop, atWindowEdge: atWindowEdge)
            run.startOpen(arrivals)
            return run.finished.futureResult
        }.get()
    }

    /// Closed loop: per port, `population` clients, each sending a request of a size drawn from
    /// `sizes`, waiting for it, then thinking an exponential time of mean `thinkTime` seconds,
    /// until the window closes or `maximumRequests` were sent to the port; a client whose request
    /// failed waits `failureBackoff` seconds before its next one (a balancer that refuses
    /// connections is not hammered). One outcome per port, in order. `atWindowEdge` as for the
    /// open loop.
    public func run(
        population: Int, thinkTime: Double, sizes: DurationDistribution, seed: UInt64, maximumRequests: Int = .max,
        on eventLoop: any EventLoop, atWindowEdge: (@Sendable (WindowEdge) -> Void)? = nil
    ) async throws -> [GeneratorOutcome] {
        try await eventLoop.flatSubmit {
            let run = GeneratorRun(settings: self, eventLoop: eventLoop, atWindowEdge: atWindowEdge)
            run.startClosed(population: population, thinkTime: thinkTime, sizes: sizes, seed: seed, maximumRequests: maximumRequests)
            return run.finished.futureResult
        }.get()
    }

    /// Seconds a closed-loop client waits after a failed request.
    public static let failureBackoff = 0.01

    /// The order in which arrival number `arrival` is written to `targets` ports: a rotation,
    /// so that over any `targets` consecutive arrivals each port is written first once.
    ///
    /// - Complexity: O(targets).
    public static func sendOrder(arrival: Int, targets: Int) -> [Int] {
        (0..<targets).map { (arrival + $0) % targets }
    }
}

/// One port's connections and what was measured through it, confined to the generator's event loop.
private final class Target {
    let port: Int
    var outcome = GeneratorOutcome()
    var idle: [ClientConnection] = []
    var open: [ObjectIdentifier: ClientConnection] = [:]
    var connecting = 0
    var waitingForConnection: [(ClientConnection?) -> Void] = []
    var outstanding = 0
    /// Open loop: the sum and count of the seconds between a request's scheduled time and its
    /// write (the largest goes straight to `outcome.maximumLag`).
    var totalLag = 0.0
    var lateWrites = 0

    init(port: Int, windowSeconds: Double) {
        self.port = port
        outcome.windowSeconds = windowSeconds
    }
}

/// One run's state, confined to the generator's event loop.
private final class GeneratorRun {
    private let settings: LoadGenerator
    private let eventLoop: any EventLoop
    let finished: EventLoopPromise<[GeneratorOutcome]>
    private let targets: [Target]
    private var start = 0.0
    private var stillSending = 0
    private var done = false
    private var drainDeadline: Scheduled<Void>?
    private var dispatched = 0
    /// Whether requests follow a schedule (open loop), so that lateness means something.
    private var isOpenLoop = false
    /// Closed loop: the most requests sent to one target.
    private var maximumRequests = Int.max

    /// Called at the window's edges (`LoadGenerator.run`).
    private let atWindowEdge: (@Sendable (LoadGenerator.WindowEdge) -> Void)?

    init(settings: LoadGenerator, eventLoop: any EventLoop, atWindowEdge: (@Sendable (LoadGenerator.WindowEdge) -> Void)?) {
        self.settings = settings
        self.eventLoop = eventLoop
        self.atWindowEdge = atWindowEdge
        self.finished = eventLoop.makePromise()
        targets = settings.ports.map { Target(port: $0, windowSeconds: settings.duration) }
    }

    private var windowStart: Double { start + settings.warmup }
    private var windowEnd: Double { windowStart + settings.duration }

    func startOpen(_ arrivals: [Arrival]) {
        start = LiveClock.now()
        isOpenLoop = true
        stillSending = 1
        armDrainDeadline()
        sendArrivals(arrivals[...])
    }

    func startClosed(population: Int, thinkTime: Double, sizes: DurationDistribution, seed: UInt64, maximumRequests: Int) {
        self.maximumRequests = maximumRequests
        start = LiveClock.now()
        stillSending = population * targets.count
        armDrainDeadline()
        for target in targets {
            var random = SplitMix64(seed: seed)
            for _ in 0..<population { clientCycle(target, thinkTime: thinkTime, sizes: sizes, random: &random) }
        }
    }

    /// Sends every arrival now due to every target, then sleeps until the next one.
    private func sendArrivals(_ arrivals: ArraySlice<Arrival>) {
        guard !done else { return }
        let now = LiveClock.now()
        var rest = arrivals
        while let next = rest.first, start + next.time <= now {
            rest.removeFirst()
            let scheduled = start + next.time
            let measured = scheduled >= windowStart && scheduled < windowEnd
            for index in LoadGenerator.sendOrder(arrival: dispatched, targets: targets.count) {
                send(targets[index], size: next.size, due: scheduled, measured: measured) { _ in }
            }
            dispatched += 1
        }
        if let next = rest.first {
            schedule(at: start + next.time) { [self] in sendArrivals(rest) }
        } else {
            stillSending = 0
            finishIfIdle()
        }
    }

    private func clientCycle(_ target: Target, thinkTime: Double, sizes: DurationDistribution, random: inout SplitMix64) {
        guard !done else { return }
        let now = LiveClock.now()
        guard now < windowEnd, target.outcome.sent < maximumRequests else {
            stillSending -= 1
            finishIfIdle()
            return
        }
        let size = sizes.sample(using: &random)
        let think = thinkTime > 0 ? -thinkTime * log(random.nextUnitInterval()) : 0
        var next = SplitMix64(seed: random.next())
        send(target, size: size, due: now, measured: now >= windowStart) { [self] succeeded in
            let wait = succeeded ? think : max(think, LoadGenerator.failureBackoff)
            if wait > 0 {
                schedule(at: LiveClock.now() + wait) { [self] in
                    clientCycle(target, thinkTime: thinkTime, sizes: sizes, random: &next)
                }
            } else {
                clientCycle(target, thinkTime: thinkTime, sizes: sizes, random: &next)
            }
        }
    }

    /// Sends one request to `target` on an idle connection or a new one; `then` runs after it
    /// completed or failed.
    private func send(_ target: Target, size: Double, due: Double, measured: Bool, then: @escaping (Bool) -> Void) {
        target.outstanding += 1
        target.outcome.sent += 1
        let windowTime = due - windowStart
        withConnection(target) { [self] connection in
            guard let connection else {
                complete(target, size: size, windowTime: windowTime, measured: measured, latency: nil)
                then(false)
                return
            }
            let sent = LiveClock.now()
            if isOpenLoop {
                target.totalLag += sent - due
                target.lateWrites += 1
                target.outcome.maximumLag = max(target.outcome.maximumLag, sent - due)
            }
            let work = Int((size * settings.unit * 1e9).rounded())
            connection.request(work: work) { [self] reusable in
                guard !done else { return }
                let latency = reusable == nil ? nil : LiveClock.now() - sent
                if reusable == true { giveBack(connection, to: target) } else { forget(connection, of: target) }
                complete(target, size: size, windowTime: windowTime, measured: measured, latency: latency)
                then(latency != nil)
            }
        }
    }

    private func complete(_ target: Target, size: Double, windowTime: Double, measured: Bool, latency: Double?) {
        target.outstanding -= 1
        if let latency {
            if measured { target.outcome.samples.append(RequestSample(size: size, latency: latency, windowTime: windowTime)) }
        } else {
            target.outcome.errors += 1
        }
        finishIfIdle()
    }

    private func withConnection(_ target: Target, _ body: @escaping (ClientConnection?) -> Void) {
        while let connection = target.idle.popLast() {
            if connection.isActive { return body(connection) }
            target.open.removeValue(forKey: ObjectIdentifier(connection))
        }
        guard target.open.count + target.connecting < settings.maximumConnections else {
            target.waitingForConnection.append(body)
            return
        }
        target.connecting += 1
        target.outcome.connectionsOpened += 1
        ClientConnection.connect(port: target.port, on: eventLoop).assumeIsolated().whenComplete { [self] result in
            target.connecting -= 1
            switch result {
            case let .success(connection):
                if done {
                    connection.close()
                    return
                }
                target.open[ObjectIdentifier(connection)] = connection
                body(connection)
            case .failure:
                body(nil)
                // The slot this connect held is free: a request waiting for a connection tries
                // one now (on the next loop turn, so failures in a row do not nest).
                eventLoop.assumeIsolated().execute { [self] in serveNextWaiting(target) }
            }
        }
    }

    private func giveBack(_ connection: ClientConnection, to target: Target) {
        if !target.waitingForConnection.isEmpty {
            target.waitingForConnection.removeFirst()(connection)
        } else {
            target.idle.append(connection)
        }
    }

    private func forget(_ connection: ClientConnection, of target: Target) {
        target.open.removeValue(forKey: ObjectIdentifier(connection))
        target.idle.removeAll { $0 === connection }
        connection.close()
        serveNextWaiting(target)
    }

    /// Gives the first request waiting for a connection to `target` one, if a connection may
    /// be opened now (a slot was freed: a connection closed, or a connect failed).
    private func serveNextWaiting(_ target: Target) {
        guard !done, !target.waitingForConnection.isEmpty,
              target.open.count + target.connecting < settings.maximumConnections
        else { return }
        withConnection(target, target.waitingForConnection.removeFirst())
    }

    /// Runs `task` at `time`; every task checks `done` first, so none needs cancelling.
    private func schedule(at time: Double, _ task: @escaping () -> Void) {
        eventLoop.assumeIsolated().scheduleTask(deadline: LiveClock.deadline(time)) { task() }
    }

    /// Arms the drain's deadline and the window's edges (these run even after the run finished,
    /// as a closed loop that reached its request bound does before the window ends).
    private func armDrainDeadline() {
        if let atWindowEdge {
            schedule(at: windowStart) { atWindowEdge(.start) }
            schedule(at: windowEnd) { atWindowEdge(.end) }
        }
        let deadline = start + settings.warmup + settings.duration + settings.drain
        drainDeadline = eventLoop.assumeIsolated().scheduleTask(deadline: LiveClock.deadline(deadline)) { [self] in finish() }
    }

    private func finishIfIdle() {
        if stillSending == 0 && targets.allSatisfy({ $0.outstanding == 0 }) { finish() }
    }

    private func finish() {
        guard !done else { return }
        done = true
        drainDeadline?.cancel()
        for target in targets {
            target.outcome.unfinished = target.outstanding
            target.outcome.meanLag = target.lateWrites > 0 ? target.totalLag / Double(target.lateWrites) : 0
            for connection in target.open.values { connection.close() }
            target.open.removeAll()
            target.idle.removeAll()
            target.waitingForConnection.removeAll()
        }
        finished.succeed(targets.map(\.outcome))
    }
}
