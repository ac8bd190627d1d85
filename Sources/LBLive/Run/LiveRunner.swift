import LBSimulation
import LoadBalancing
import NIOCore
import NIOPosix

/// Runs `lbbench-live`: starts the backends, then puts each balancer and algorithm in front of
/// them in turn under the same load, measures, stops it, and finally asks the simulator for its
/// predictions.
///
/// Every listener is on 127.0.0.1; every run is bounded by `warmup + duration + drain` and by
/// `maximumRequests`; every process started is stopped by PID before the next balancer starts,
/// on errors, and on Ctrl-C (`ChildProcesses`).
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
        try configuration.validate()
        ChildProcesses.shared.installSignalHandlers()
        let started = LiveClock.now()
        let backendLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let generatorLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxyLoops = MultiThreadedEventLoopGroup(numberOfThreads: configuration.proxyThreads)
        let outcome: Result<LiveReport, any Error>
        do {
            outcome = .success(try await run(
                configuration, backendLoops: backendLoops, generatorLoops: generatorLoops, proxyLoops: proxyLoops,
                started: started, progress: progress
            ))
        } catch {
            outcome = .failure(error)
        }
        ChildProcesses.shared.stopAll()
        for group in [proxyLoops, generatorLoops, backendLoops] { try? await group.shutdownGracefully() }
        return try outcome.get()
    }

    private static func run(
        _ configuration: LiveConfiguration, backendLoops: any EventLoopGroup, generatorLoops: any EventLoopGroup,
        proxyLoops: any EventLoopGroup, started: Double, progress: @Sendable (String) -> Void
    ) async throws -> LiveReport {
        var backends: [LiveBackend] = []
        do {
            for (index, weight) in configuration.weights.enumerated() {
                backends.append(try await LiveBackend.start(
                    index: index, speed: weight, capacity: configuration.capacity, on: backendLoops.next()
                ))
            }
        } catch {
            for backend in backends { try? await backend.close() }
            throw LivePeerError.startFailed("cannot start a backend on 127.0.0.1: \(error)")
        }
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
        do {
            for entry in entries {
                progress("\(entry.balancer.rawValue) \(entry.algorithm): running for up to "
                    + "\(Int(configuration.warmup + configuration.duration + configuration.drain)) s")
                let balancer: RunningBalancer
                do {
                    balancer = try await RunningBalancer.start(entry: entry, configuration: configuration, backends: backends, loops: proxyLoops)
                } catch let error as LivePeerError where entry.balancer != .lbbench {
                    notes.append("\(entry.balancer.rawValue) \(entry.algorithm) skipped: \(error.description)")
                    continue
                }
                var row: LiveRowResult
                do {
                    row = try await measure(
                        balancer, entry: entry, configuration: configuration, backends: backends,
                        arrivals: arrivals, generatorLoop: generatorLoops.next()
                    )
                } catch {
                    try? await balancer.stop()
                    throw error
                }
                try await balancer.stop()
                try await waitUntilIdle(backends)
                if let router = entry.router { row.prediction = try predictions.prediction(for: router) }
                rows.append(row)
            }
        } catch {
            for backend in backends { try? await backend.close() }
            throw error
        }
        for backend in backends { try await backend.close() }
        return LiveReport(machine: .current(), configuration: configuration, rows: rows, notes: notes, seconds: LiveClock.now() - started)
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
                    let router: RouterKind = family == .roundRobin ? .selector(.roundRobin) : .selector(.linearScan)
                    entries.append(Entry(balancer: choice, algorithm: name, family: family, selector: nil, router: router))
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

    /// Runs the load through `balancer` and reads what the backends and the balancer counted
    /// over the measurement window.
    private static func measure(
        _ balancer: RunningBalancer, entry: Entry, configuration: LiveConfiguration, backends: [LiveBackend],
        arrivals: [Arrival]?, generatorLoop: any EventLoop
    ) async throws -> LiveRowResult {
        for backend in backends { try await backend.resetMaximum() }
        let generator = LoadGenerator(
            port: balancer.port, unit: configuration.unit, warmup: configuration.warmup,
            duration: configuration.duration, drain: configuration.drain,
            maximumConnections: configuration.maximumConnections
        )
        let load = Task { () async throws -> GeneratorOutcome in
            switch configuration.traffic {
            case .open:
                try await generator.run(arrivals: arrivals ?? [], on: generatorLoop)
            case let .closed(population, thinkTime):
                try await generator.run(
                    population: population, thinkTime: thinkTime, sizes: configuration.sizes,
                    seed: configuration.seed, on: generatorLoop
                )
            }
        }
        try await Task.sleep(nanoseconds: UInt64(configuration.warmup * 1e9))
        let countersBefore = try await counters(backends)
        let cpuBefore = try await balancer.cpuSeconds()
        let windowStart = LiveClock.now()
        try await Task.sleep(nanoseconds: UInt64(configuration.duration * 1e9))
        let countersAfter = try await counters(backends)
        let cpuAfter = try await balancer.cpuSeconds()
        let window = LiveClock.now() - windowStart
        let outcome = try await load.value

        let meanInFlight = zip(countersBefore, countersAfter).map { ($1.inFlightSeconds - $0.inFlightSeconds) / window }
        let (short, long) = LiveRowResult.summaries(outcome.samples)
        let unit = configuration.unit
        return LiveRowResult(
            balancer: entry.balancer.rawValue, algorithm: entry.algorithm, family: entry.family,
            requestsPerSecond: Double(outcome.samples.count) / configuration.duration,
            short: short, long: long,
            meanResponseUnits: unit > 0 && !outcome.samples.isEmpty
                ? outcome.samples.reduce(0) { $0 + $1.latency } / Double(outcome.samples.count) / unit : nil,
            backendRequests: zip(countersBefore, countersAfter).map { $1.requests - $0.requests },
            backendMeanInFlight: meanInFlight,
            backendMaximumInFlight: countersAfter.map(\.maximumInFlight),
            busiestOverAverage: LiveRowResult.busiestOverAverage(meanInFlight, weights: configuration.weights),
            proxyCPUSeconds: cpuAfter - cpuBefore, proxyCPUShare: (cpuAfter - cpuBefore) / window,
            sent: outcome.sent, errors: outcome.errors, unfinished: outcome.unfinished,
            generatorMaximumLag: outcome.maximumLag, prediction: nil
        )
    }

    private static func counters(_ backends: [LiveBackend]) async throws -> [BackendCounters] {
        var all: [BackendCounters] = []
        for backend in backends { all.append(try await backend.counters()) }
        return all
    }

    /// Waits (at most 10 s) until no backend holds a request, so the next balancer starts on an
    /// empty farm: closing the clients' connections cancels their requests.
    private static func waitUntilIdle(_ backends: [LiveBackend]) async throws {
        let deadline = LiveClock.now() + 10
        while try await counters(backends).contains(where: { $0.inFlight > 0 }) && LiveClock.now() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
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

/// A balancer in front of the backends: lbbench's proxy or a real one.
private enum RunningBalancer {
    case lbbench(LiveProxy)
    case peer(PeerProcess)

    /// Starts `entry`'s balancer in front of `backends`.
    ///
    /// - Throws: `LivePeerError.startFailed` with the reason; nothing is left running.
    static func start(
        entry: Entry, configuration: LiveConfiguration, backends: [LiveBackend], loops: any EventLoopGroup
    ) async throws -> RunningBalancer {
        if let kind = entry.selector {
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

    func cpuSeconds() async throws -> Double {
        switch self {
        case let .lbbench(proxy): try await proxy.cpuSeconds()
        case let .peer(process): process.cpuSeconds()
        }
    }

    func stop() async throws {
        switch self {
        case let .lbbench(proxy): try await proxy.close()
        case let .peer(process): process.stop()
        }
    }
}
