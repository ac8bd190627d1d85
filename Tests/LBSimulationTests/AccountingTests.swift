import LBRandom
@testable import LBSimulation
import LoadBalancing
import Testing

/// The simulator's books: Little's law on skewed farms and on every accepted configuration,
/// the ranges that keep a run meaningful, and a cost that follows requests, not simulated time.
@Suite("Simulation accounting")
struct AccountingTests {
    private static func describe(_ little: SimulationResult.LittlesLaw) -> String {
        "L \(little.meanInSystem), λT \(little.arrivalRateTimesMeanResponse), before \(little.before), after \(little.after)"
    }

    @Test(
        "a warm-up request still inside when the run ends counts in Little's law's boundary",
        arguments: [([10_000, 1], 3_000), ([2_147_483_648, 1], 3_000), ([4_294_967_295, 1], 3_000), ([1_000_000, 1], 30_000)]
    )
    func skewedWeights(weights: [Int], jobs: Int) throws {
        // The slow server takes a warm-up request and holds it longer than the whole window.
        let configuration = SimulationConfiguration(weights: weights, jobs: jobs)
        for router in [RouterKind.selector(.buckets), .selector(.p2c), .selector(.linearScan)] {
            let result = try Simulation.run(configuration, router: router)
            #expect(result.littlesLaw.holds, "\(router): \(Self.describe(result.littlesLaw))")
        }
    }

    @Test("every accepted weight, and the sum of a full farm of them, is an exact double")
    func weightsAreExact() {
        let largestSum = Double(SimulationConfiguration.maximumServers) * Double(SelectorLimits.maximumWeight)
        #expect(largestSum < 0x1p53)
        #expect(throws: SimulationError.self) { try SimulationConfiguration(weights: [SelectorLimits.maximumWeight + 1, 1]).validate() }
    }

    @Test("a closed population larger than the warm-up is refused, naming the option and the bound")
    func populationBound() throws {
        var configuration = SimulationConfiguration(weights: [1, 1, 1, 1], traffic: .closed(population: 5_000, thinkTime: 0), jobs: 3_000)
        #expect(throws: SimulationError.invalidConfiguration(
            "--population 5000: at most 300, the warm-up's requests (a tenth of --jobs), "
                + "so that every client has sent one before measuring starts"
        )) { try configuration.validate() }
        configuration.traffic = .closed(population: 300, thinkTime: 0)
        let result = try Simulation.run(configuration, router: .selector(.buckets))
        #expect(result.windowLength > 0 && result.littlesLaw.meanInSystem.isFinite)
        #expect(result.littlesLaw.holds, "\(Self.describe(result.littlesLaw))")
    }

    @Test("think times past the span a double resolves are refused, up to infinity and NaN")
    func thinkTimeBound() throws {
        var configuration = SimulationConfiguration(weights: [2, 1], traffic: .closed(population: 10, thinkTime: 0), jobs: 1_000)
        // 2^32 fastest-server service times (1/2 each) over 1,100 requests from 10 clients.
        let bound = configuration.maximumThinkTime
        #expect(bound == 4_294_967_296.0 * 10 / (1_100 * 2))
        for thinkTime in [1e10, 1e308, .infinity, .nan, -1, bound.nextUp] {
            configuration.traffic = .closed(population: 10, thinkTime: thinkTime)
            #expect(throws: SimulationError.self, "think time \(thinkTime)") { try configuration.validate() }
        }
        configuration.traffic = .closed(population: 10, thinkTime: bound)
        let result = try Simulation.run(configuration, router: .selector(.linearScan))
        #expect(result.littlesLaw.holds, "\(Self.describe(result.littlesLaw))")
    }

    @Test("the longest think time accepted costs no more than a short one: samples follow events, not time")
    func longThinkTimeIsCheap() throws {
        var configuration = SimulationConfiguration(
            weights: [1, 1, 1], traffic: .closed(population: 100, thinkTime: 0), jobs: 3_000
        )
        configuration.traffic = .closed(population: 100, thinkTime: configuration.maximumThinkTime)
        // Before, one sample per 3 / 3 time units: about 10^9 samples for this window.
        let result = try Simulation.run(configuration, router: .selector(.buckets))
        #expect(result.windowLength > 1e8)
        #expect(result.littlesLaw.holds, "\(Self.describe(result.littlesLaw))")
        #expect(result.fairness.jainLoad > 0 && result.fairness.jainLoad <= 1)
    }

    @Test("Little's law holds on every accepted configuration (seeded random farms)", arguments: 0..<8)
    func littlesLawOnRandomConfigurations(block: Int) throws {
        var random = SplitMix64(seed: 0x11_0000 + UInt64(block))
        func below(_ bound: Int) -> Int { Int(random.next(upperBound: UInt64(bound))) }
        func logUniform(_ maximum: Double) -> Double { LibM.exp(random.nextUnitInterval() * LibM.log(maximum)) }
        let routers = RouterKind.allCases
        let allSizes: [RequestSizes] = RequestSizes.names.compactMap(RequestSizes.init(name:))
        var completed = 0
        for _ in 0..<15 {
            let servers = 1 + below(6)
            let maximumWeight = [1.0, 100.0, Double(SelectorLimits.maximumWeight)][below(3)]
            let weights = (0..<servers).map { _ in max(1, min(SelectorLimits.maximumWeight, Int(logUniform(maximumWeight)))) }
            let jobs = 300 + below(1_200)
            var configuration = SimulationConfiguration(
                weights: weights, unweighted: below(4) == 0, discipline: below(2) == 0 ? .ps : .fcfs,
                sizes: allSizes[below(allSizes.count)], jobs: jobs, seed: random.next()
            )
            if below(2) == 0 {
                configuration.traffic = .open(utilization: 0.05 + 0.9 * random.nextUnitInterval())
            } else {
                let population = 1 + below(configuration.warmupJobs)
                configuration.traffic = .closed(population: population, thinkTime: 0)
                let thinkTime = [0, min(random.nextUnitInterval() * 10, configuration.maximumThinkTime), configuration.maximumThinkTime][below(3)]
                configuration.traffic = .closed(population: population, thinkTime: thinkTime)
            }
            if below(3) == 0 {
                configuration.balancers = 2 + below(4)
                if below(2) == 0 { configuration.refresh = 0.1 + random.nextUnitInterval() }
            }
            try configuration.validate()
            let router = routers[below(routers.count)]
            // A router with a lower weight limit (HAProxy's model, 1...256) refuses; nothing else may.
            do { try router.check(weights: configuration.weights) } catch { continue }
            let result = try Simulation.run(configuration, router: router)
            #expect(result.littlesLaw.holds, "\(router) \(configuration): \(Self.describe(result.littlesLaw))")
            #expect(result.windowLength > 0)
            completed += 1
        }
        #expect(completed >= 10, "only \(completed) of 15 random configurations ran")
    }
}
