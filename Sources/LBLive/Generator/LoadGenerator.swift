import Foundation
import LBRandom
import LBWorkloads
import LoadBalancing
import NIOCore
import NIOHTTP1
import NIOPosix

/// The load generator: sends requests to 127.0.0.1:`port` and measures each one itself, from
/// writing the request to reading the response's last byte.
///
/// Open loop (`run(arrivals:)`): requests go out at their scheduled times whatever the
/// responses do, on idle keep-alive connections or new ones (at most `maximumConnections`;
/// beyond that a request waits for a connection and its lateness is recorded). Closed loop
/// (`run(population:…)`): each client sends, waits for the response, thinks, and sends again.
/// Only requests sent inside the measurement window (after the warm-up) are measured. A run
/// ends when every request has completed or `drain` seconds after the window closed, whichever
/// comes first; then every connection is closed.
///
/// # Thread safety
/// A value describing the run; each run's state is confined to the given event loop.
public struct LoadGenerator: Sendable {
    /// Where requests go (127.0.0.1).
    public var port: Int
    /// Seconds of speed-1 work in a request of size 1 (the mean).
    public var unit: Double
    /// Seconds of traffic before measuring starts.
    public var warmup: Double
    /// Seconds of measured traffic.
    public var duration: Double
    /// Seconds to wait for outstanding requests after the window closes.
    public var drain: Double
    /// The most client connections open at once.
    public var maximumConnections: Int

    public init(port: Int, unit: Double, warmup: Double, duration: Double, drain: Double, maximumConnections: Int) {
        self.port = port
        self.unit = unit
        self.warmup = warmup
        self.duration = duration
        self.drain = drain
        self.maximumConnections = maximumConnections
    }

    /// Open loop: sends `arrivals` (times relative to the start) and measures those at or after
    /// `warmup` and before `warmup + duration`.
    public func run(arrivals: [Arrival], on eventLoop: any EventLoop) async throws -> GeneratorOutcome {
        try await eventLoop.flatSubmit {
            let run = GeneratorRun(settings: self, eventLoop: eventLoop)
            run.startOpen(arrivals)
            return run.finished.futureResult
        }.get()
    }

    /// Closed loop: `population` clients, each sending a request of a size drawn from `sizes`,
    /// waiting for it, then thinking an exponential time of mean `thinkTime` seconds, until
    /// the window closes.
    public func run(
        population: Int, thinkTime: Double, sizes: DurationDistribution, seed: UInt64, on eventLoop: any EventLoop
    ) async throws -> GeneratorOutcome {
        try await eventLoop.flatSubmit {
            let run = GeneratorRun(settings: self, eventLoop: eventLoop)
            run.startClosed(population: population, thinkTime: thinkTime, sizes: sizes, seed: seed)
            return run.finished.futureResult
        }.get()
    }
}

/// One run's state, confined to the generator's event loop.
private final class GeneratorRun {
    private let settings: LoadGenerator
    private let eventLoop: any EventLoop
    let finished: EventLoopPromise<GeneratorOutcome>
    private var outcome = GeneratorOutcome()
    private var start = 0.0
    private var idle: [ClientConnection] = []
    private var open: [ObjectIdentifier: ClientConnection] = [:]
    private var connecting = 0
    private var waitingForConnection: [(ClientConnection?) -> Void] = []
    private var outstanding = 0
    private var stillSending = 0
    private var done = false
    private var drainDeadline: Scheduled<Void>?

    init(settings: LoadGenerator, eventLoop: any EventLoop) {
        self.settings = settings
        self.eventLoop = eventLoop
        self.finished = eventLoop.makePromise()
        outcome.windowSeconds = settings.duration
    }

    private var windowStart: Double { start + settings.warmup }
    private var windowEnd: Double { windowStart + settings.duration }

    func startOpen(_ arrivals: [Arrival]) {
        start = LiveClock.now()
        stillSending = 1
        armDrainDeadline()
        sendArrivals(arrivals[...])
    }

    func startClosed(population: Int, thinkTime: Double, sizes: DurationDistribution, seed: UInt64) {
        start = LiveClock.now()
        stillSending = population
        armDrainDeadline()
        var random = SplitMix64(seed: seed)
        for _ in 0..<population { clientCycle(thinkTime: thinkTime, sizes: sizes, random: &random) }
    }

    /// Sends every arrival now due, then sleeps until the next one.
    private func sendArrivals(_ arrivals: ArraySlice<Arrival>) {
        guard !done else { return }
        let now = LiveClock.now()
        var rest = arrivals
        while let next = rest.first, start + next.time <= now {
            rest.removeFirst()
            let scheduled = start + next.time
            outcome.maximumLag = max(outcome.maximumLag, now - scheduled)
            send(size: next.size, measured: scheduled >= windowStart && scheduled < windowEnd) { _ in }
        }
        if let next = rest.first {
            schedule(at: start + next.time) { [self] in sendArrivals(rest) }
        } else {
            stillSending = 0
            finishIfIdle()
        }
    }

    private func clientCycle(thinkTime: Double, sizes: DurationDistribution, random: inout SplitMix64) {
        guard !done else { return }
        let now = LiveClock.now()
        guard now < windowEnd else {
            stillSending -= 1
            finishIfIdle()
            return
        }
        let size = sizes.sample(using: &random)
        let think = thinkTime > 0 ? -thinkTime * log(random.nextUnitInterval()) : 0
        var next = SplitMix64(seed: random.next())
        send(size: size, measured: now >= windowStart) { [self] _ in
            if think > 0 {
                schedule(at: LiveClock.now() + think) { [self] in clientCycle(thinkTime: thinkTime, sizes: sizes, random: &next) }
            } else {
                clientCycle(thinkTime: thinkTime, sizes: sizes, random: &next)
            }
        }
    }

    /// Sends one request on an idle connection or a new one; `then` runs after it completed or failed.
    private func send(size: Double, measured: Bool, then: @escaping (Bool) -> Void) {
        outstanding += 1
        outcome.sent += 1
        withConnection { [self] connection in
            guard let connection else {
                complete(size: size, measured: measured, latency: nil)
                then(false)
                return
            }
            let sent = LiveClock.now()
            let work = Int((size * settings.unit * 1e9).rounded())
            connection.request(work: work) { [self] reusable in
                guard !done else { return }
                let latency = reusable == nil ? nil : LiveClock.now() - sent
                if reusable == true { giveBack(connection) } else { forget(connection) }
                complete(size: size, measured: measured, latency: latency)
                then(latency != nil)
            }
        }
    }

    private func complete(size: Double, measured: Bool, latency: Double?) {
        outstanding -= 1
        if let latency {
            if measured { outcome.samples.append(RequestSample(size: size, latency: latency)) }
        } else {
            outcome.errors += 1
        }
        finishIfIdle()
    }

    private func withConnection(_ body: @escaping (ClientConnection?) -> Void) {
        while let connection = idle.popLast() {
            if connection.isActive { return body(connection) }
            open.removeValue(forKey: ObjectIdentifier(connection))
        }
        guard open.count + connecting < settings.maximumConnections else {
            waitingForConnection.append(body)
            return
        }
        connecting += 1
        outcome.connectionsOpened += 1
        ClientConnection.connect(port: settings.port, on: eventLoop).assumeIsolated().whenComplete { [self] result in
            connecting -= 1
            switch result {
            case let .success(connection):
                if done {
                    connection.close()
                    return
                }
                open[ObjectIdentifier(connection)] = connection
                body(connection)
            case .failure:
                body(nil)
            }
        }
    }

    private func giveBack(_ connection: ClientConnection) {
        if !waitingForConnection.isEmpty {
            waitingForConnection.removeFirst()(connection)
        } else {
            idle.append(connection)
        }
    }

    private func forget(_ connection: ClientConnection) {
        open.removeValue(forKey: ObjectIdentifier(connection))
        idle.removeAll { $0 === connection }
        connection.close()
        if !waitingForConnection.isEmpty { withConnection(waitingForConnection.removeFirst()) }
    }

    /// Runs `task` at `time`; every task checks `done` first, so none needs cancelling.
    private func schedule(at time: Double, _ task: @escaping () -> Void) {
        eventLoop.assumeIsolated().scheduleTask(deadline: LiveClock.deadline(time)) { task() }
    }

    private func armDrainDeadline() {
        let deadline = start + settings.warmup + settings.duration + settings.drain
        drainDeadline = eventLoop.assumeIsolated().scheduleTask(deadline: LiveClock.deadline(deadline)) { [self] in finish() }
    }

    private func finishIfIdle() {
        if stillSending == 0 && outstanding == 0 { finish() }
    }

    private func finish() {
        guard !done else { return }
        done = true
        outcome.unfinished = outstanding
        drainDeadline?.cancel()
        for connection in open.values { connection.close() }
        open.removeAll()
        idle.removeAll()
        waitingForConnection.removeAll()
        finished.succeed(outcome)
    }
}
