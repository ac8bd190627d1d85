import LoadBalancing

/// `lbbench simulate`'s engine: a discrete-event simulation of a server farm behind one or
/// more balancers that route with the library's selectors (or random routing, or a model of
/// HAProxy's or nginx's least-connections rule).
///
/// Servers have speeds proportional to their weights and serve by processor sharing or first
/// come, first served; requests arrive as a Poisson stream at a target utilisation or from a
/// closed population; sizes have mean 1, so times are in units of the mean request on a
/// weight-1 server. Every run checks Little's law (`SimulationResult.LittlesLaw`), and the
/// whole model is validated against queueing theory (`Validation`). The same configuration
/// gives the same result, bit for bit.
///
/// - Note: Thread-safe: every run is independent and confined to the calling thread.
public enum Simulation {
    /// The lock lock-based selectors run behind when simulated: one thread never contends it,
    /// and the spinlock's uncontended round trip is the cheapest.
    public static let selectorLock = LockKind.spin

    /// Simulates `configuration` with every balancer routing by `router`.
    ///
    /// - Complexity: O(jobs · (log n + pick cost)).
    /// - Throws: `SimulationError` for an invalid configuration or weights the router refuses
    ///   (`RouterKind.check(weights:)`).
    public static func run(
        _ configuration: SimulationConfiguration, router: RouterKind
    ) throws(SimulationError) -> SimulationResult {
        let weights = configuration.balancerWeights
        switch router {
        case let .selector(kind):
            return try kind.withSelectorType(
                lock: selectorLock,
                SelectorSimulation(configuration: configuration, routerName: router.name, weights: weights))
        case .random:
            return try run(configuration, routerName: router.name) { seed in RandomRouter(weights: weights, seed: seed) }
        case .haproxyLeastConnections:
            return try run(configuration, routerName: router.name) { (_) throws(SimulationError) in
                try HAProxyLeastConnectionsRouter(weights: weights)
            }
        case .nginxLeastConnections:
            return try run(configuration, routerName: router.name) { _ in NginxLeastConnectionsRouter(weights: weights) }
        }
    }

    /// Simulates `configuration` with routers of your own: `makeRouter` is called once per
    /// balancer with that balancer's seed.
    ///
    /// - Complexity: O(jobs · (log n + pick cost)).
    /// - Throws: as `run(_:router:)`, and whatever `makeRouter` throws.
    public static func run<R: Router>(
        _ configuration: SimulationConfiguration,
        routerName: String,
        makeRouter: (_ seed: UInt64) throws(SimulationError) -> R
    ) throws(SimulationError) -> SimulationResult {
        try configuration.validate()
        let seeds = SeedStreams(seed: configuration.seed)
        var routers: [R] = []
        for balancer in 0..<configuration.balancers { routers.append(try makeRouter(seeds.router(balancer))) }
        // One specialised loop per discipline.
        switch configuration.discipline {
        case .ps:
            var engine = Engine<ProcessorSharingServer, R>(
                configuration: configuration, routerName: routerName, routers: routers
            )
            return engine.run()
        case .fcfs:
            var engine = Engine<FirstComeFirstServedServer, R>(
                configuration: configuration, routerName: routerName, routers: routers
            )
            return engine.run()
        }
    }
}

/// `Simulation.run(_:router:)`'s body for one concrete selector type: every balancer routes
/// with its own selector of that type, seeded with the balancer's seed.
private struct SelectorSimulation: SelectorVisitor {
    let configuration: SimulationConfiguration
    let routerName: String
    let weights: [Int]

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) throws(SimulationError) -> SimulationResult {
        try Simulation.run(configuration, routerName: routerName) { (seed) throws(SimulationError) in
            do throws(SelectorConfigurationError) {
                return SelectorRouter(try makeSelector(weights, seed))
            } catch {
                throw .selector(error)
            }
        }
    }
}
