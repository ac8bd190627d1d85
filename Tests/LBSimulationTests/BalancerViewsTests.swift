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
        /// Per server, the step of its newest pick or release.
        var lastChange: [Int]
        var steps = 0

        init(balancers: Int, servers: Int, refresh: Double?, seed: UInt64, logCapacity: Int? = nil) throws {
            let routers = (0..<balancers).map { CountingRouter(serverCount: servers, seed: seed &+ UInt64($0)) }
            views = BalancerViews(routers: routers, serverCount: servers, refresh: refresh, seed: seed, logCapacity: logCapacity)
            global = Array(repeating: 0, count: servers)
            lastChange = global
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
                lastChange[server] = steps
            } else {
                let (server, balancer) = open.remove(at: Int(random.next(upperBound: UInt64(open.count))))
                views.release(server, through: balancer)
                global[server] -= 1
                own[balancer][server] -= 1
                lastChange[server] = steps
            }
            steps += 1
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

    /// The corrections a refresh of `balancer` must make, in the order the changes happened:
    /// every server whose count differs from the truth, the one whose newest change is oldest
    /// first, one release or assign per connection of difference.
    private static func expectedCorrections(of driver: Driver, balancer: Int) -> [(server: Int, delta: Int)] {
        let counts = driver.views.routers[balancer].counts
        let differing = counts.indices.filter { counts[$0] != driver.global[$0] }.sorted { driver.lastChange[$0] < driver.lastChange[$1] }
        return differing.flatMap { server in
            let difference = driver.global[server] - counts[server]
            return Array(repeating: (server, difference.signum()), count: abs(difference))
        }
    }

    @Test("a refresh corrects a view server by server, oldest newest change first, from the log or, once the log has dropped the balancer's last refresh, from the whole view",
          arguments: [(nil, 5), (2, 5), (9, 5), (9, 23), (40, 3), (nil, 41)] as [(Int?, Int)])
    func correctionOrder(logCapacity: Int?, refreshEvery: Int) throws {
        let balancers = 4
        var driver = try Driver(balancers: balancers, servers: 9, refresh: 2, seed: UInt64(refreshEvery), logCapacity: logCapacity)
        var refreshes = 0
        for step in 0..<6_000 {
            driver.step()
            guard step % refreshEvery == refreshEvery - 1 else { continue }
            // Now and then a quiet spell: more refreshes in a row than balancers, after which the
            // views are all current and the log starts afresh.
            for _ in 0..<(step % 997 < refreshEvery ? balancers + 2 : 1) {
                let balancer = driver.views.nextRefreshBalancer
                let expected = Self.expectedCorrections(of: driver, balancer: balancer)
                let earlier = driver.views.routers[balancer].changes.count
                driver.views.refreshNext(nextChangeAt: 0)
                let made = driver.views.routers[balancer].changes[earlier...]
                #expect(made.map(\.server) == expected.map(\.server) && made.map(\.delta) == expected.map(\.delta),
                        "step \(step), balancer \(balancer)")
                #expect(driver.views.routers[balancer].counts == driver.global)
                refreshes += 1
            }
        }
        #expect(refreshes > 100)
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
