import LBRandom
import LBSimulation
import LoadBalancing

/// Runs the simulator on the live run's farm, sizes and load, once per router: the row's own
/// selector for lbbench's proxy, `PeerBalancer.simulatorModel(for:)` for HAProxy and nginx; and
/// windows of the run's length for the busiest ÷ average band (`BusiestRatioBand`).
///
/// - Note: Not thread-safe: a cache owned by one run.
final class PredictionSource {
    private let configuration: LiveConfiguration
    private var cache: [RouterKind: SimulatorPrediction] = [:]

    init(configuration: LiveConfiguration) {
        self.configuration = configuration
    }

    /// The prediction for `router`; `nil` when the simulator has no model of this farm (FCFS
    /// with several slots, or zero work).
    func prediction(for router: RouterKind) throws -> SimulatorPrediction? {
        if let cached = cache[router] { return cached }
        guard let simulated = simulation(jobs: configuration.simulatedJobs, seed: configuration.seed) else { return nil }
        let result = try Simulation.run(simulated, router: router)
        let prediction = SimulatorPrediction(
            router: router.name, meanResponse: result.meanResponse, p50: result.responsePercentiles.p50,
            p90: result.responsePercentiles.p90, p99: result.responsePercentiles.p99,
            short: result.shortResponse, long: result.longResponse, meanInFlight: result.meanInFlight,
            busiestOverAverageInFlight: result.busiestOverAverageInFlight
        )
        cache[router] = prediction
        return prediction
    }

    /// Simulated requests the band may cost, both routers together: windows beyond
    /// `bandBudget / 2 / requests` are left out, down to `minimumBandWindows`.
    static let bandBudget = 20_000_000
    /// The fewest windows a band is made of, however long they are.
    static let minimumBandWindows = 20

    /// How many windows of `requestsPerWindow` requests a band simulates: `maximum`, fewer
    /// when that would cost more than `bandBudget`, never fewer than `minimumBandWindows`
    /// (nor than `maximum`).
    ///
    /// - Complexity: O(1).
    static func bandWindows(requestsPerWindow: Int, maximum: Int) -> Int {
        Swift.min(maximum, Swift.max(minimumBandWindows, bandBudget / 2 / Swift.max(requestsPerWindow, 1)))
    }

    /// The window-to-window scatter of `own`'s busiest ÷ average over `peer`'s
    /// (`BusiestRatioBand`): up to `maximumWindows` simulated windows of this run's measured
    /// length (its arrival rate × its measured seconds, at most `--max-requests`), fewer when the
    /// windows are long (`bandBudget`, at least `minimumBandWindows`), seeds drawn from the
    /// run's seed, both routers on the same requests. `nil` for closed traffic (no arrival
    /// rate to size a window by) and where `prediction(for:)` has no model.
    ///
    /// - Complexity: 2 × windows simulations of a window's requests each: at most about
    ///   `bandBudget` simulated requests, or 2 × `minimumBandWindows` × `--max-requests`
    ///   (about a second for the default 150 s run, release build: 100 windows of about
    ///   14,000 requests for each of two rules).
    func busiestRatioBand(own: RouterKind, peer: RouterKind, maximumWindows: Int) throws -> BusiestRatioBand? {
        guard maximumWindows > 0, let rate = configuration.arrivalRate else { return nil }
        let measured = Int(Swift.min(rate * configuration.duration, Double(configuration.maximumRequests)).rounded())
        guard var window = simulation(jobs: measured, seed: configuration.seed) else { return nil }
        // The simulator's batch means need 10 requests per batch.
        window.jobs = Swift.max(window.jobs, 10 * window.batches)
        let windows = Self.bandWindows(requestsPerWindow: window.jobs, maximum: maximumWindows)
        var seeds = SplitMix64(seed: configuration.seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(windows)
        for _ in 0..<windows {
            window.seed = seeds.next()
            let ownFigure = try Simulation.run(window, router: own).busiestOverAverageInFlight
            let peerFigure = try Simulation.run(window, router: peer).busiestOverAverageInFlight
            if peerFigure > 0 { ratios.append(ownFigure / peerFigure) }
        }
        return ratios.isEmpty ? nil : BusiestRatioBand(ratios: ratios, requestsPerWindow: window.jobs)
    }

    /// The longest mean think time, in seconds, for which the simulator can predict this closed
    /// run (`SimulationConfiguration.maximumThinkTime` of the prediction's farm and requests);
    /// `nil` for open traffic or where there is no prediction. `LiveConfiguration.validate`
    /// checks it, so that a run never measures for minutes and then fails in its prediction.
    ///
    /// - Complexity: O(backends).
    static func maximumThinkTime(_ configuration: LiveConfiguration) -> Double? {
        guard case .closed = configuration.traffic,
            let simulated = simulation(configuration, jobs: configuration.simulatedJobs, seed: configuration.seed)
        else { return nil }
        return simulated.maximumThinkTime * configuration.unit
    }

    private func simulation(jobs: Int, seed: UInt64) -> SimulationConfiguration? {
        Self.simulation(configuration, jobs: jobs, seed: seed)
    }

    /// The simulator's configuration for `configuration`'s farm, sizes and traffic with `jobs`
    /// measured requests and `seed`; `nil` when the simulator has no model of this farm (FCFS
    /// with several slots, or zero work).
    private static func simulation(_ configuration: LiveConfiguration, jobs: Int, seed: UInt64) -> SimulationConfiguration? {
        guard configuration.unit > 0 else { return nil }
        let discipline: Discipline
        switch configuration.capacity {
        case .processorSharing: discipline = .ps
        case .firstComeFirstServed(slots: 1): discipline = .fcfs
        case .firstComeFirstServed: return nil
        }
        let traffic: Traffic
        switch configuration.traffic {
        case let .open(utilization): traffic = .open(utilization: utilization)
        case let .closed(population, thinkTime): traffic = .closed(population: population, thinkTime: thinkTime / configuration.unit)
        }
        return SimulationConfiguration(
            weights: configuration.weights, traffic: traffic, discipline: discipline,
            sizes: .workload(configuration.workload), jobs: jobs, seed: seed
        )
    }
}
