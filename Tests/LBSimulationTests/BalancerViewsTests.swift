import LBRandom
@testable import LBSimulation
import LoadBalancing
import Testing

@Suite("Several balancers: own counts and refreshed shared counts")
struct BalancerViewsTests {
    /// Drives `BalancerViews` directly with counting routers, tracking the truth alongside.
    private struct Driver {
        var views: BalancerViews<CountingRouter>
        var open: [(server: Int, balancer: Int)] = []
        var global: [Int]
        var own: [[Int]]
        var random: SplitMix64

        init(balancers: Int, servers: Int, refresh: Double?, seed: UInt64) throws {
            let routers = (0..<balancers).map { CountingRouter(serverCount: servers, seed: seed &+ UInt64($0)) }
            views = BalancerViews(routers: routers, serverCount: servers, refresh: refresh, seed: seed)
            global = Array(repeating: 0, count: servers)
            own = Array(repeating: global, count: balancers)
            random = SplitMix64(seed: seed ^ 0xABCD)
        }

        mutating func step() {
            if open.isEmpty || random.next(upperBound: UInt64(100)) < 55 {
                let balancer = views.chooseBalancer()
                let server = views.pick(through: balancer)
                open.append((server, balancer))
                global[server] += 1
                own[balancer][server] += 1
            } else {
                let (server, balancer) = open.remove(at: Int(random.next(upperBound: UInt64(open.count))))
                views.release(server, through: balancer)
                global[server] -= 1
                own[balancer][server] -= 1
            }
        }
    }

    @Test("own counts: every balancer's selector holds exactly its own connections")
    func ownCounts() throws {
        var driver = try Driver(balancers: 4, servers: 7, refresh: nil, seed: 1)
        for _ in 0..<5_000 {
            driver.step()
            for balancer in 0..<4 { #expect(driver.views.routers[balancer].counts == driver.own[balancer]) }
        }
        #expect(driver.views.nextRefreshTime == .infinity)
    }

    @Test("shared counts: right after its refresh a balancer sees the true counts; between refreshes, only its own changes",
          arguments: [UInt64(1), 2, 3])
    func sharedCounts(seed: UInt64) throws {
        let balancers = 3
        var driver = try Driver(balancers: balancers, servers: 5, refresh: 1.5, seed: seed)
        var snapshot = Array(repeating: Array(repeating: 0, count: 5), count: balancers)
        var ownSinceRefresh = snapshot
        #expect(driver.views.nextRefreshTime == 0.5, "staggered: Δ/K, 2Δ/K, …")
        for step in 0..<4_000 {
            let before = driver.own
            driver.step()
            for balancer in 0..<balancers {
                for server in 0..<5 { ownSinceRefresh[balancer][server] += driver.own[balancer][server] - before[balancer][server] }
            }
            if step % 7 == 6 {
                let time = driver.views.nextRefreshTime
                driver.views.refreshNext(nextChangeAt: 0)
                let refreshed = (step / 7) % balancers
                #expect(driver.views.nextRefreshTime > time)
                #expect(driver.views.routers[refreshed].counts == driver.global, "step \(step)")
                snapshot[refreshed] = driver.global
                ownSinceRefresh[refreshed] = Array(repeating: 0, count: 5)
            }
            for balancer in 0..<balancers {
                let expected = zip(snapshot[balancer], ownSinceRefresh[balancer]).map { $0 + $1 }
                #expect(driver.views.routers[balancer].counts == expected, "balancer \(balancer) step \(step)")
            }
        }
    }

    @Test("stale shared counts herd an exact selector; fresher ones herd it less")
    func herding() throws {
        func peakToMean(_ refresh: Double?) throws -> Double {
            var configuration = SimulationConfiguration(weights: Array(repeating: 1, count: 10), jobs: 40_000, seed: 3)
            configuration.balancers = 8
            configuration.refresh = refresh
            return try Simulation.run(configuration, router: .selector(.linearScan)).fairness.peakToMeanLoad
        }
        let single = try Simulation.run(SimulationConfiguration(weights: Array(repeating: 1, count: 10), jobs: 40_000, seed: 3),
                                        router: .selector(.linearScan)).fairness.peakToMeanLoad
        let fresh = try peakToMean(0.1)
        let stale = try peakToMean(10)
        #expect(single < fresh && fresh < stale, "peak/mean load: 1 balancer \(single), Δ = 0.1 \(fresh), Δ = 10 \(stale)")
    }
}
