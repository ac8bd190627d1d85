import LBReporting
@testable import LBSimulation
import LoadBalancing
import Testing

/// Each server's time-averaged requests in flight, and the weight-normalised busiest ÷ average
/// built on them: against queueing theory where it has an answer, and against the farm's own
/// Little's-law integral on every kind of run.
@Suite("Simulation per-server in flight")
struct InFlightTests {
    @Test("one M/M/1 processor-sharing server holds ρ / (1 − ρ) requests on average")
    func singleServer() throws {
        let configuration = SimulationConfiguration(weights: [1], traffic: .open(utilization: 0.5), jobs: 200_000)
        let result = try Simulation.run(configuration, router: .selector(.linearScan))
        #expect(result.meanInFlight.count == 1)
        #expect(abs(result.meanInFlight[0] - 1) < 0.05, "mean in flight \(result.meanInFlight[0]), theory 1")
        #expect(result.busiestOverAverageInFlight == 1)
    }

    @Test("random routing in proportion to weight makes every server an M/M/1 queue at ρ: equal counts, so weight 3 against 1 gives busiest ÷ average 1.5")
    func randomRoutingKnownRatio() throws {
        // Server i gets λ·w_i/Σw and serves at speed w_i: ρ_i = 0.5 for both, ρ/(1 − ρ) = 1 in flight
        // each; per unit of weight 1/3 and 1, so the busiest is 1 ÷ (2/3) = 1.5 times the average.
        let configuration = SimulationConfiguration(weights: [3, 1], traffic: .open(utilization: 0.5), jobs: 300_000)
        let result = try Simulation.run(configuration, router: .random)
        for (server, held) in result.meanInFlight.enumerated() {
            #expect(abs(held - 1) < 0.06, "server \(server): \(held) in flight, theory 1")
        }
        #expect(abs(result.busiestOverAverageInFlight - 1.5) < 0.09, "\(result.busiestOverAverageInFlight), theory 1.5")
        #expect(result.busiestOverAverageInFlight
            == Fairness.peakToMean(zip(result.meanInFlight, [3.0, 1.0]).map { $0 / $1 }))
    }

    @Test(
        "the servers' in-flight integrals add up to the farm's Little's-law L on every kind of run",
        arguments: [
            SimulationConfiguration(weights: [2, 1, 1, 1], sizes: .workload(.mixed), jobs: 20_000),
            SimulationConfiguration(weights: [5, 1, 1], discipline: .fcfs, sizes: .workload(.heavyTail), jobs: 20_000),
            SimulationConfiguration(weights: [1, 1, 1, 1], traffic: .closed(population: 40, thinkTime: 2), jobs: 20_000),
            SimulationConfiguration(weights: [1, 2, 3, 4], jobs: 20_000, balancers: 4, refresh: 1),
        ]
    )
    func sumsToLittlesL(configuration: SimulationConfiguration) throws {
        for router in [RouterKind.selector(.linearScan), .random, .haproxyLeastConnections, .nginxLeastConnections] {
            let result = try Simulation.run(configuration, router: router)
            let total = result.meanInFlight.reduce(0, +)
            let farm = result.littlesLaw.meanInSystem
            #expect(abs(total - farm) <= 1e-9 * max(farm, 1), "\(router): Σ per server \(total), L \(farm)")
            #expect(result.meanInFlight.allSatisfy { $0 > 0 }, "\(router): \(result.meanInFlight)")
        }
    }
}
