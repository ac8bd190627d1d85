import LBSimulation
import LoadBalancing
import Testing

@Suite("Scenario progress")
struct ScenarioProgressTests {
    @Test("the progress callback sees every run, in order, before its result exists")
    func startingCallback() throws {
        let farm = SimulationConfiguration(weights: [1, 1], jobs: 600, seed: 3)
        let routers: [RouterKind] = [.selector(.roundRobin), .random, .selector(.p2c)]
        let scenario = Scenario(id: "progress", title: "Progress", runs: routers.map { .init(farm, router: $0) })
        var seen: [RouterKind] = []
        let section = try scenario.run { run in seen.append(run.router) }
        #expect(seen == routers)
        #expect(section.results.count == routers.count)
    }
}
