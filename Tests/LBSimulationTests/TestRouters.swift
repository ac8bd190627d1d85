import LBRandom
import LBSimulation
import LoadBalancing

/// Routers written for the tests, to check the simulator's plumbing independently of the
/// library's selectors.

/// Strict rotation over `n` equal servers: the textbook round robin of the E_n/M/1 model.
struct RotationRouter: Router {
    let serverCount: Int
    var next = 0

    init(serverCount: Int) { self.serverCount = serverCount }

    mutating func pick() -> Int {
        defer { next = (next + 1) % serverCount }
        return next
    }

    mutating func release(_ server: Int) {}
    mutating func assign(_ server: Int) {}
}

/// The reference least-connections model as a router, to check that a library selector
/// routed through `SelectorRouter` makes the very same choices.
struct ReferenceRouter: Router {
    var model: ReferenceLeastConnections

    init(weights: [Int]) throws {
        model = try ReferenceLeastConnections(weights: weights)
    }

    mutating func pick() -> Int { model.pick()!.index }
    mutating func release(_ server: Int) { model.release(ServerID(server)) }
    mutating func assign(_ server: Int) { model.assign(ServerID(server)) }
}

/// Counts what it is told and picks servers at random; for checking balancer views.
struct CountingRouter: Router {
    var counts: [Int]
    var random: SplitMix64
    /// Every release (-1) and assign (+1), in order, until a test empties it.
    var changes: [(server: Int, delta: Int)] = []

    init(serverCount: Int, seed: UInt64) {
        counts = Array(repeating: 0, count: serverCount)
        random = SplitMix64(seed: seed)
    }

    mutating func pick() -> Int {
        let server = Int(random.next(upperBound: UInt64(counts.count)))
        counts[server] += 1
        return server
    }

    mutating func release(_ server: Int) {
        precondition(counts[server] > 0, "released server \(server) below 0")
        counts[server] -= 1
        changes.append((server, -1))
    }

    mutating func assign(_ server: Int) {
        counts[server] += 1
        changes.append((server, 1))
    }
}

/// Sends the first `switchAt` picks to server 0 and every later one to server 1.
struct SwitchingRouter: Router {
    let switchAt: Int
    var picks = 0

    mutating func pick() -> Int {
        defer { picks += 1 }
        return picks < switchAt ? 0 : 1
    }

    mutating func release(_ server: Int) {}
    mutating func assign(_ server: Int) {}
}

/// Strict rotation that notes, at each pick, how many of its requests are in flight (picked and
/// not yet released), in notes a test reads after the run.
struct InFlightNotingRouter: Router {
    /// What the router saw; a class, so the test keeps a handle on it while the run owns the router.
    final class Notes {
        var inFlightAtPicks: [Int] = []
    }

    let notes: Notes
    var rotation: RotationRouter
    var inFlight = 0

    init(serverCount: Int, notes: Notes) {
        self.notes = notes
        rotation = RotationRouter(serverCount: serverCount)
    }

    mutating func pick() -> Int {
        notes.inFlightAtPicks.append(inFlight)
        inFlight += 1
        return rotation.pick()
    }

    mutating func release(_ server: Int) { inFlight -= 1 }
    mutating func assign(_ server: Int) {}
}
