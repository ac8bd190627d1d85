import LBSimulation
import LoadBalancing

/// Runs the simulator on the live run's farm, sizes and load, once per router: the row's own
/// selector for lbbench's proxy, `PeerBalancer.simulatorModel(for:)` for HAProxy and nginx.
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
        let simulated = SimulationConfiguration(
            weights: configuration.weights, traffic: traffic, discipline: discipline,
            sizes: .workload(configuration.workload), jobs: configuration.simulatedJobs, seed: configuration.seed
        )
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
}
