@testable import LBSimulation
import LoadBalancing
import Testing

/// The models of HAProxy's and nginx's least connections, on sequences worked out by hand from
/// their sources (`HAProxyLeastConnectionsRouter`, `NginxLeastConnectionsRouter`).
@Suite("Peer balancer routers")
struct PeerRouterTests {
    /// A pick that keeps its request, or the release of one on a server.
    enum Step { case pick, release(Int) }

    /// The servers `router` picks over `steps`.
    private static func run<R: Router>(_ router: inout R, _ steps: [Step]) -> [Int] {
        var picked: [Int] = []
        for step in steps {
            switch step {
            case .pick: picked.append(router.pick())
            case let .release(server): router.release(server)
            }
        }
        return picked
    }

    /// `count` picks, each released at once: the lightest load there is.
    private static func pickAndRelease<R: Router>(_ router: inout R, count: Int) -> [Int] {
        (0..<count).map { _ in
            let server = router.pick()
            router.release(server)
            return server
        }
    }

    @Test("HAProxy at light load: an idle server is key 0 and goes after the idle ones it re-joins, so weights are ignored")
    func haproxyLightLoadRotation() throws {
        var router = try HAProxyLeastConnectionsRouter(weights: [2, 1, 1, 1])
        #expect(Self.pickAndRelease(&router, count: 9) == [0, 1, 2, 3, 0, 1, 2, 3, 0])
    }

    @Test("HAProxy's (inflight + 1) × 4096 ÷ eweight prefers the weight-2 server at low counts, and ties go to the longest held key")
    func haproxyWeightedPreference() throws {
        var router = try HAProxyLeastConnectionsRouter(weights: [2, 1, 1, 1])
        // Keys after each pick: b0 256; b1, b2, b3 512; b0 384 then 512 (inserted after b1–b3);
        // b1, b2, b3 768 (they held 512 longer than b0); b0 640 then 768.
        #expect(Self.run(&router, Array(repeating: .pick, count: 12)) == [0, 1, 2, 3, 0, 0, 1, 2, 3, 0, 0, 1])
        #expect(HAProxyLeastConnectionsRouter.key(inFlight: 3, effectiveWeight: 32) == 512)
        #expect(HAProxyLeastConnectionsRouter.key(inFlight: 1, effectiveWeight: 16) == 512)
    }

    @Test("HAProxy takes an idle server before a busy one of any weight: key 0 against 2 × 4096 ÷ 160 = 51")
    func haproxyIdleKeyZero() throws {
        var router = try HAProxyLeastConnectionsRouter(weights: [10, 1])
        // b0 holds one request (key 51) at a tenth of its weight, b1 is idle (key 0): b1 goes first.
        #expect(Self.run(&router, [.pick, .pick, .pick]) == [0, 1, 0])
        #expect(HAProxyLeastConnectionsRouter.key(inFlight: 1, effectiveWeight: 160) == 51)
        // A release that leaves a server idle puts it back at key 0, after the other idle ones.
        var rotation = try HAProxyLeastConnectionsRouter(weights: [1, 1, 1])
        #expect(Self.run(&rotation, [.pick, .pick, .release(0), .pick, .pick]) == [0, 1, 2, 0])
    }

    @Test("HAProxy's weights are 1...256: a larger one is refused, naming the server, weight and bound")
    func haproxyWeightRange() throws {
        #expect(throws: SimulationError.invalidConfiguration(
            "--weights: server 1 has weight 257; the haproxy-leastconn model takes HAProxy's weights, 1...256"
        )) { try HAProxyLeastConnectionsRouter(weights: [1, 257]) }
        _ = try HAProxyLeastConnectionsRouter(weights: [256, 1])
        #expect(throws: SimulationError.self) {
            try Simulation.run(SimulationConfiguration(weights: [300, 1], jobs: 1_000), router: .haproxyLeastConnections)
        }
        try RouterKind.nginxLeastConnections.check(weights: [300, 1])
    }

    @Test("nginx at light load: every peer ties at 0 connections, so smooth weighted round robin over all of them")
    func nginxLightLoadRotation() {
        var router = NginxLeastConnectionsRouter(weights: [2, 1, 1, 1])
        // current_weight: [2,1,1,1] → b0, [−3,1,1,1]; [−1,2,2,2] → b1; [1,−2,3,3] → b2;
        // [3,−1,−1,4] → b3; [5,0,0,0] → b0, back to all 0: the period of 5 gives b0 two turns.
        #expect(Self.pickAndRelease(&router, count: 10) == [0, 1, 2, 3, 0, 0, 1, 2, 3, 0])
    }

    @Test("nginx: fewest connections per weight first; smooth weighted round robin only among the tied peers")
    func nginxTiedOnly() {
        var router = NginxLeastConnectionsRouter(weights: [2, 1, 1, 1])
        // 1: all tie at 0 → b0 (current [−3,1,1,1]). 2: b1–b3 tie at 0 → [−3,2,2,2] → b1, [−3,−1,2,2].
        // 3: b2, b3 tie → [−3,−1,3,3] → b2, [−3,−1,1,3]. 4: b3 alone, current unchanged.
        // 5: b0 alone (1/2 against 1/1). 6: all tie at 1 per weight → [−1,0,2,4] → b3.
        #expect(Self.run(&router, Array(repeating: .pick, count: 6)) == [0, 1, 2, 3, 0, 3])
        // Releasing b1 leaves it alone at the fewest per weight: no tie, so it goes next.
        #expect(Self.run(&router, [.release(1), .pick]) == [1])
    }

    @Test(
        "on the default live farm HAProxy's rule keeps the weight-2 backend busier per weight than lbbench's and nginx's, and its busiest ÷ average lower",
        arguments: [UInt64(1), 2]
    )
    func defaultLiveFarm(seed: UInt64) throws {
        // lbbench-live's default: speeds 2,1,1,1, PS, ρ = 0.85, mixed sizes; about 20 minutes of it.
        let farm = SimulationConfiguration(
            weights: [2, 1, 1, 1], traffic: .open(utilization: 0.85), sizes: .workload(.mixed), jobs: 100_000, seed: seed)
        let haproxy = try Simulation.run(farm, router: .haproxyLeastConnections)
        for router in [RouterKind.selector(.linearScan), .nginxLeastConnections] {
            let other = try Simulation.run(farm, router: router)
            #expect(haproxy.meanInFlight[0] > other.meanInFlight[0], "\(router): \(other.meanInFlight) against \(haproxy.meanInFlight)")
            #expect(haproxy.busiestOverAverageInFlight < other.busiestOverAverageInFlight,
                    "\(router): \(other.busiestOverAverageInFlight) against \(haproxy.busiestOverAverageInFlight)")
        }
    }

    @Test("the peer models parse by name, list after random, and simulate deterministically")
    func names() throws {
        #expect(RouterKind(name: "haproxy-leastconn") == .haproxyLeastConnections)
        #expect(RouterKind(name: "nginx-least-conn") == .nginxLeastConnections)
        #expect(Array(RouterKind.allCases.suffix(3)) == [.random, .haproxyLeastConnections, .nginxLeastConnections])
        let configuration = SimulationConfiguration(weights: [2, 1, 1, 1], sizes: .workload(.mixed), jobs: 5_000)
        for router in [RouterKind.haproxyLeastConnections, .nginxLeastConnections] {
            let first = try Simulation.run(configuration, router: router)
            #expect(first == (try Simulation.run(configuration, router: router)))
            #expect(first.selector == router.name && first.littlesLaw.holds)
        }
    }
}
