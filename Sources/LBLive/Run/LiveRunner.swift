import LBReporting
import LBSimulation
import LoadBalancing
import NIOCore
import NIOPosix

/// Runs `lbbench-live`: puts each balancer and algorithm in front of its backends under the same
/// load, measures, stops it, and finally asks the simulator for its predictions.
///
/// With the `together` schedule (open traffic's default) every row runs at once, each in front
/// of its own copy of the farm, and every request goes to every row at the same instant: a
/// burst of noise on the machine lands on all rows alike. With `sequential` the rows run one
/// after another, each on a fresh farm.
///
/// Every listener is on 127.0.0.1; every group of rows is bounded by `warmup + duration + drain`
/// and by `maximumRequests` per row; every process started is stopped by PID before the next
/// group starts, on errors, on Ctrl-C and the other handled signals, and by a watchdog when this
/// process dies without a handler (`ChildProcesses`, `PeerWatchdog`).
///
/// - Note: Thread-safe: each call owns its event loops and processes.
public enum LiveRunner {
    /// Runs every balancer of `configuration`; `progress` gets one line per step.
    ///
    /// - Throws: `LiveConfigurationError` for bad options, `LivePeerError` when lbbench's own
    ///   backends or proxy cannot start; a real balancer that fails to start becomes a note.
    public static func run(
        _ configuration: LiveConfiguration, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> LiveReport {
        try await run(configuration, progress: progress, afterStartingLoad: {})
    }

    /// `run(_:progress:)` with a test hook: `afterStartingLoad` runs on the runner's task just
    /// after each group's load has started, so that a test can hold that task (as a busy thread
    /// pool would) and check that the measurement does not depend on when it runs again.
    static func run(
        _ configuration: LiveConfiguration, progress: @Sendable (String) -> Void = { _ in },
        afterStartingLoad: () async -> Void
    ) async throws -> LiveReport {
        try configuration.validate()
        ChildProcesses.shared.installSignalHandlers()
        let started = LiveClock.now()
        let backendLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let generatorLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let outcome: Result<LiveReport, any Error>
        do {
            outcome = .success(try await run(
                configuration, backendLoop: backendLoops.next(), generatorLoop: generatorLoops.next(),
                started: started, progress: progress, afterStartingLoad: afterStartingLoad
            ))
        } catch {
            outcome = .failure(error)
        }
        ChildProcesses.shared.stopAll()
        for group in [generatorLoops, backendLoops] { try? await group.shutdownGracefully() }
        return try outcome.get()
    }

    private static func run(
        _ configuration: LiveConfiguration, backendLoop: any EventLoop, generatorLoop: any EventLoop,
        started: Double, progress: @Sendable (String) -> Void, afterStartingLoad: () async -> Void
    ) async throws -> LiveReport {
        var rows: [LiveRowResult] = []
        var notes: [String] = []
        let (entries, missing) = plan(configuration)
        notes += missing
        let predictions = PredictionSource(configuration: configuration)
        let arrivals = configuration.arrivalRate.map {
            ArrivalSchedule.poisson(
                rate: $0, duration: configuration.warmup + configuration.duration,
                maximumRequests: configuration.maximumRequests, sizes: configuration.sizes, seed: configuration.seed
            )
        }
        let longest = NumberFormat.duration(configuration.warmup + configuration.duration + configuration.drain)
        for group in groups(entries, schedule: configuration.effectiveSchedule) {
            progress(group.map { "\($0.balancer.rawValue) \($0.algorithm)" }.joined(separator: ", ")
                + (group.count > 1 ? " side by side" : "") + ": running for up to \(longest)")
            var stations: [Station] = []
            do {
                for entry in group {
                    if let station = try await Station.start(
                        entry: entry, configuration: configuration, backendLoop: backendLoop, notes: &notes
                    ) {
                        stations.append(station)
                    }
                }
                guard !stations.isEmpty else { continue }
                var measured = try await measure(
                    stations, configuration: configuration, arrivals: arrivals, generatorLoop: generatorLoop,
                    afterStartingLoad: afterStartingLoad
                )
                let running = stations
                stations = []
                try await Station.stopAll(running)
                for index in measured.indices {
                    if let router = running[index].entry.router {
                        measured[index].prediction = try predictions.prediction(for: router)
                    }
                }
                rows += measured
            } catch {
                try? await Station.stopAll(stations)
                throw error
            }
        }
        if let note = requestCapNote(configuration, arrivals: arrivals, rows: rows) { notes.append(note) }
        let band = try busiestBand(rows, predictions: predictions, progress: progress)
        return LiveReport(
            machine: .current(), configuration: configuration, rows: rows, notes: notes,
            seconds: LiveClock.now() - started, busiestBand: band)
    }

    /// A note when `--max-requests` ended the traffic before the window did (the open loop's
    /// schedule ran out, or a closed-loop row sent that many), so that requests/s and the
    /// latencies cover only part of the window; `nil` otherwise.
    static func requestCapNote(_ configuration: LiveConfiguration, arrivals: [Arrival]?, rows: [LiveRowResult]) -> String? {
        let cap = configuration.maximumRequests
        let end = configuration.warmup + configuration.duration
        if let arrivals, arrivals.count == cap, let last = arrivals.last, last.time < end {
            return "the arrivals stopped at --max-requests \(cap), \(NumberFormat.duration(last.time)) into a run of "
                + "\(NumberFormat.duration(end)): the window's end had no traffic; raise --max-requests or shorten --duration"
        }
        let capped = rows.filter { $0.sent >= cap }
        guard arrivals == nil, !capped.isEmpty else { return nil }
        return "closed-loop traffic stopped at --max-requests \(cap) for "
            + capped.map { "\($0.balancer) \($0.algorithm)" }.joined(separator: ", ")
            + " before the window ended: requests/s and latencies cover part of it; raise --max-requests or shorten --duration"
    }

    /// Simulated windows for `BusiestRatioBand` (fewer when windows are long, see
    /// `PredictionSource.busiestRatioBand`): enough that its 5th and 95th percentiles are each
    /// about 5 windows from the end.
    static let bandWindows = 100

    /// The band of lbbench's least-connections busiest ÷ average over HAProxy leastconn's, from
    /// the routers of the two rows `LiveFindings` compares; `nil` without both.
    private static func busiestBand(
        _ rows: [LiveRowResult], predictions: PredictionSource, progress: @Sendable (String) -> Void
    ) throws -> BusiestRatioBand? {
        guard let (own, peer) = LiveFindings.comparedRouters(rows) else { return nil }
        progress("simulating windows of this run's length for the busiest ÷ average band")
        return try predictions.busiestRatioBand(own: own, peer: peer, maximumWindows: bandWindows)
    }

    /// The groups of rows measured at once, in order: all of them together, or one by one.
    ///
    /// - Complexity: O(entries).
    static func groups<Row>(_ entries: [Row], schedule: LiveSchedule) -> [[Row]] {
        switch schedule {
        case .together: entries.isEmpty ? [] : [entries]
        case .sequential: entries.map { [$0] }
        }
    }

    /// The rows to run, and a note for each real balancer that is not installed.
    private static func plan(_ configuration: LiveConfiguration) -> ([Entry], [String]) {
        var entries: [Entry] = []
        var notes: [String] = []
        for choice in configuration.balancers {
            if let peer = choice.peer {
                guard peer.executable != nil else {
                    notes.append("\(peer.rawValue) is not installed: install the Debian package `\(peer.package)` "
                        + "(scripts/install-live-peers.sh); its rows are missing")
                    continue
                }
                for (name, family) in peer.algorithms {
                    entries.append(Entry(
                        balancer: choice, algorithm: name, family: family, selector: nil,
                        router: peer.simulatorModel(for: family)))
                }
            } else {
                for kind in configuration.selectors {
                    let family: AlgorithmFamily = switch kind.category {
                    case .baseline: .roundRobin
                    case .exact: .leastConnections
                    case .approximate: .other
                    }
                    entries.append(Entry(balancer: choice, algorithm: kind.rawValue, family: family, selector: kind, router: .selector(kind)))
                }
            }
        }
        return (entries, notes)
    }

    /// Runs the load through every station's balancer at once and reads what each farm's
    /// backends and each balancer counted over the measurement window; one row per station.
    ///
    /// Each backend's mean in-flight is ∫ in-flight dt over the window divided by the window as
    /// that backend's own counters timed it, the same for every balancer; requests admitted
    /// during the warm-up count while they are in flight inside the window, the drain not at all.
    private static func measure(
        _ stations: [Station], configuration: LiveConfiguration, arrivals: [Arrival]?, generatorLoop: any EventLoop,
        afterStartingLoad: () async -> Void
    ) async throws -> [LiveRowResult] {
        let generator = LoadGenerator(
            ports: stations.map(\.balancer.port), unit: configuration.unit, warmup: configuration.warmup,
            duration: configuration.duration, drain: configuration.drain,
            maximumConnections: configuration.maximumConnections
        )
        // The window's two readings, started by the generator at its edges (`WindowEdgeReading`).
        let starting = WindowEdgeSlot(on: generatorLoop)
        let ending = WindowEdgeSlot(on: generatorLoop)
        let farms = stations.map(\.backends)
        let cpuSeconds = stations.map { station in { @Sendable in station.balancer.cpuSecondsFuture(on: generatorLoop) } }
        let atWindowEdge: @Sendable (LoadGenerator.WindowEdge) -> Void = { edge in
            let slot = edge == .start ? starting : ending
            WindowEdgeReading.read(farms: farms, cpuSeconds: cpuSeconds, startingWindow: edge == .start, on: generatorLoop)
                .whenComplete { slot.complete($0) }
        }
        let load = Task { () async throws -> [GeneratorOutcome] in
            switch configuration.traffic {
            case .open:
                try await generator.run(arrivals: arrivals ?? [], on: generatorLoop, atWindowEdge: atWindowEdge)
            case let .closed(population, thinkTime):
                try await generator.run(
                    population: population, thinkTime: thinkTime, sizes: configuration.sizes,
                    seed: configuration.seed, maximumRequests: configuration.maximumRequests, on: generatorLoop,
                    atWindowEdge: atWindowEdge
                )
            }
        }
        await afterStartingLoad()
        let outcomes: [GeneratorOutcome]
        let before: WindowEdgeReading
        let after: WindowEdgeReading
        do {
            outcomes = try await load.value
            // A closed loop that reached its request bound finishes before the window's end.
            (before, after) = try await starting.reading.and(ending.reading).get()
        } catch {
            for slot in [starting, ending] { slot.complete(.failure(error)) }
            throw error
        }
        var unreleased: [Int?] = []
        for station in stations { unreleased.append(try await station.balancer.unreleasedPicks()) }

        return stations.indices.map { index in
            let entry = stations[index].entry
            return row(
                balancer: entry.balancer, algorithm: entry.algorithm, family: entry.family, outcome: outcomes[index],
                before: before.counters[index], after: after.counters[index],
                cpuSeconds: after.cpuSeconds[index] - before.cpuSeconds[index], unreleasedPicks: unreleased[index],
                window: after.time - before.time,
                configuration: configuration
            )
        }
    }

    /// One row from what the generator saw through a balancer, what its farm's backends
    /// counted at the window's two ends, and what lbbench's proxy left unreleased (`nil` for a peer).
    /// Internal (not private) so that a test can check every figure against readings it made up.
    ///
    /// - Complexity: O(requests · log requests + backends) (the percentiles sort the latencies).
    static func row(
        balancer: BalancerChoice, algorithm: String, family: AlgorithmFamily, outcome: GeneratorOutcome,
        before: [BackendCounters], after: [BackendCounters], cpuSeconds: Double, unreleasedPicks: Int?, window: Double,
        configuration: LiveConfiguration
    ) -> LiveRowResult {
        let meanInFlight: [Double] = zip(before, after).map { Self.meanInFlight(before: $0, after: $1) }
        let (short, long) = LiveRowResult.summaries(outcome.samples)
        let samples = outcome.samples
        let meanResponseUnits: Double? = configuration.unit > 0 && !samples.isEmpty
            ? samples.reduce(0) { $0 + $1.latency } / Double(samples.count) / configuration.unit : nil
        let backendRequests: [Int] = zip(before, after).map { $1.requests - $0.requests }
        let backendLongRequests: [Int] = zip(before, after).map { $1.longRequests - $0.longRequests }
        let segments = LiveSegment.split(samples, duration: configuration.duration, count: configuration.segments)
        return LiveRowResult(
            balancer: balancer.rawValue, algorithm: algorithm, family: family,
            requestsPerSecond: Double(samples.count) / configuration.duration,
            short: short, long: long, meanResponseUnits: meanResponseUnits,
            backendRequests: backendRequests, backendLongRequests: backendLongRequests, backendMeanInFlight: meanInFlight,
            backendMaximumInFlight: after.map(\.maximumInFlight),
            busiestOverAverage: Fairness.busiestOverAverage(meanInFlight, weights: configuration.weights),
            proxyCPUSeconds: cpuSeconds, proxyCPUShare: cpuSeconds / window,
            sent: outcome.sent, errors: outcome.errors, unfinished: outcome.unfinished,
            generatorMaximumLag: outcome.maximumLag, generatorMeanLag: outcome.meanLag,
            segments: segments, prediction: nil, unreleasedPicks: unreleasedPicks
        )
    }

    /// Time-averaged requests in flight between two readings of one backend's counters, over
    /// the time between the readings as the backend itself stamped them.
    static func meanInFlight(before: BackendCounters, after: BackendCounters) -> Double {
        let elapsed = after.updated - before.updated
        return elapsed > 0 ? (after.inFlightSeconds - before.inFlightSeconds) / elapsed : 0
    }
}

/// One balancer-and-algorithm row still to run.
private struct Entry {
    let balancer: BalancerChoice
    let algorithm: String
    let family: AlgorithmFamily
    /// lbbench's proxy's selector; `nil` for a real balancer.
    let selector: SelectorKind?
    /// What the simulator routes with for this row's prediction.
    let router: RouterKind?
}

/// One row's farm and the balancer in front of it, with the event loops of lbbench's proxy.
private struct Station {
    let entry: Entry
    let backends: [LiveBackend]
    let balancer: RunningBalancer
    let proxyLoops: MultiThreadedEventLoopGroup?

    /// Starts a farm on `backendLoop` and `entry`'s balancer in front of it; `nil`, with a note,
    /// when a real balancer cannot start.
    ///
    /// - Throws: `LivePeerError.startFailed` when a backend or lbbench's proxy cannot start;
    ///   nothing is left running.
    static func start(
        entry: Entry, configuration: LiveConfiguration, backendLoop: any EventLoop, notes: inout [String]
    ) async throws -> Station? {
        var backends: [LiveBackend] = []
        do {
            for (index, weight) in configuration.weights.enumerated() {
                backends.append(try await LiveBackend.start(
                    index: index, speed: weight, capacity: configuration.capacity, longWork: configuration.unit, on: backendLoop))
            }
        } catch {
            for backend in backends { try? await backend.close() }
            throw LivePeerError.startFailed("cannot start a backend on 127.0.0.1: \(error)")
        }
        let proxyLoops = entry.selector == nil ? nil : MultiThreadedEventLoopGroup(numberOfThreads: configuration.proxyThreads)
        do {
            let balancer = try await RunningBalancer.start(
                entry: entry, configuration: configuration, backends: backends, loops: proxyLoops
            )
            return Station(entry: entry, backends: backends, balancer: balancer, proxyLoops: proxyLoops)
        } catch {
            for backend in backends { try? await backend.close() }
            try? await proxyLoops?.shutdownGracefully()
            if let error = error as? LivePeerError, entry.balancer != .lbbench {
                notes.append("\(entry.balancer.rawValue) \(entry.algorithm) skipped: \(error.description)")
                return nil
            }
            throw error
        }
    }

    /// Stops every station, each even when one before it failed to stop.
    ///
    /// - Throws: the first error.
    static func stopAll(_ stations: [Station]) async throws {
        var failure: (any Error)?
        for station in stations {
            do { try await station.stop() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Stops the balancer, then closes the farm and the proxy's event loops.
    ///
    /// - Throws: the first error, after trying every step.
    func stop() async throws {
        var failure: (any Error)?
        do { try await balancer.stop() } catch { failure = error }
        for backend in backends {
            do { try await backend.close() } catch { failure = failure ?? error }
        }
        do { try await proxyLoops?.shutdownGracefully() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }
}

/// A balancer in front of the backends: lbbench's proxy or a real one.
private enum RunningBalancer {
    case lbbench(LiveProxy)
    case peer(PeerProcess)

    /// Starts `entry`'s balancer in front of `backends`.
    ///
    /// - Throws: `LivePeerError.startFailed` with the reason; nothing is left running.
    static func start(
        entry: Entry, configuration: LiveConfiguration, backends: [LiveBackend], loops: (any EventLoopGroup)?
    ) async throws -> RunningBalancer {
        if let kind = entry.selector, let loops {
            let selector = try kind.makeSelector(weights: configuration.weights, seed: configuration.seed)
            do {
                return .lbbench(try await LiveProxy.start(
                    selector: selector, backendPorts: backends.map(\.port), port: configuration.port ?? 0, group: loops
                ))
            } catch {
                throw LivePeerError.startFailed("lbbench's proxy cannot listen on 127.0.0.1:\(configuration.port ?? 0): \(error)")
            }
        }
        guard let peer = entry.balancer.peer else { preconditionFailure("a row with neither a selector nor a peer") }
        return .peer(try PeerProcess.start(
            peer, algorithm: entry.algorithm, backends: backends.map { (port: $0.port, weight: $0.speed) }, port: configuration.port
        ))
    }

    var port: Int {
        switch self {
        case let .lbbench(proxy): proxy.port
        case let .peer(process): process.port
        }
    }

    /// CPU seconds the balancer has used so far, read from any thread (`loop` completes a
    /// peer's reading, which is taken at once).
    func cpuSecondsFuture(on loop: any EventLoop) -> EventLoopFuture<Double> {
        switch self {
        case let .lbbench(proxy): proxy.cpuSecondsFuture()
        case let .peer(process): loop.makeSucceededFuture(process.cpuSeconds())
        }
    }

    /// lbbench's proxy's `LiveProxy.unreleasedPicks`, waiting up to 3 s (a loaded machine may be
    /// slow to deliver the closes; a count of 0 returns at once); `nil` for a real balancer,
    /// whose counts lbbench cannot read.
    func unreleasedPicks() async throws -> Int? {
        switch self {
        case let .lbbench(proxy): try await proxy.unreleasedPicks(waitingAtMost: 3)
        case .peer: nil
        }
    }

    func stop() async throws {
        switch self {
        case let .lbbench(proxy): try await proxy.close()
        case let .peer(process): process.stop()
        }
    }
}
