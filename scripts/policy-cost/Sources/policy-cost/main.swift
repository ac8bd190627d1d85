import Glibc
import LoadBalancing

// Prints, for linear-scan, min-heap and buckets with 8, 64 and 1,024 servers, equal weights
// and weights 1,2,3,4 repeating, the fastest and the median of `samples` samples, each the mean
// ns of 1,000 pick + release pairs (one connection in flight: at light load every server ties,
// so the tie rule decides every pick), twice: on the policy alone, and behind the default lock
// (`LockedSelector<Policy, BlockingLock>`, named `<selector>+lock`), the shape of the
// `SingleThread` suite's default rows with its concrete selector type; then the lock-free
// selectors that existed before the tie rule (`round-robin`, `atomic-scan`, `sharded`, `p2c`),
// each through its concrete type as the suite calls it. One line per cell:
// `selector servers equal|w4 fastest median`. `policy-cost NAME` measures one selector only.

/// The monotonic clock in ns.
@inline(__always)
func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Times `samples` samples of 1,000 `pickAndRelease` calls each and prints the cell's line.
@inline(__always)
func report(_ name: String, weights: [Int], samples: Int, _ pickAndRelease: () -> Int) {
    var times: [Double] = []
    times.reserveCapacity(samples)
    var sink = 0
    for _ in 0..<samples {
        let start = nanoseconds()
        for _ in 0..<1000 { sink &+= pickAndRelease() }
        times.append(Double(nanoseconds() - start) / 1000)
    }
    times.sort()
    let label = weights.allSatisfy { $0 == weights[0] } ? "equal" : "w4"
    let rounded = { (value: Double) in (value * 10).rounded() / 10 }
    // `sink` keeps the picks observable, so the optimizer cannot drop them.
    print(name, weights.count, label, rounded(times[0]), rounded(times[times.count / 2]), sink & 0)
}

/// Measures one policy type on one farm, alone.
@inline(never)
func measure<Policy: SelectionPolicy>(_ type: Policy.Type, _ name: String, weights: [Int], samples: Int) {
    guard var policy = try? Policy(weights: weights, seed: 1) else { fatalError("bad weights") }
    report(name, weights: weights, samples: samples) {
        guard let server = policy.pick() else { fatalError("no server") }
        policy.release(server)
        return server.index
    }
}

/// Measures one policy type on one farm behind the default lock.
@inline(never)
func measureLocked<Policy: SelectionPolicy>(_ type: Policy.Type, _ name: String, weights: [Int], samples: Int) {
    guard let selector = try? LockedSelector<Policy, BlockingLock>(weights: weights, seed: 1) else { fatalError("bad weights") }
    report(name + "+lock", weights: weights, samples: samples) {
        guard let server = selector.pick() else { fatalError("no server") }
        selector.release(server)
        return server.index
    }
}

/// Measures one lock-free selector on one farm, through its concrete type.
@inline(never)
func measureSelector<Selector: ServerSelector>(_ name: String, weights: [Int], samples: Int, _ selector: Selector) {
    report(name, weights: weights, samples: samples) {
        guard let server = selector.pick() else { fatalError("no server") }
        selector.release(server)
        return server.index
    }
}

let only = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
for servers in [8, 64, 1024] {
    let samples = servers >= 1024 ? 300 : 2000
    for weights in [Array(repeating: 1, count: servers), (0..<servers).map { $0 % 4 + 1 }] {
        if only.isEmpty || only == "linear-scan" {
            measure(LinearScanPolicy.self, "linear-scan", weights: weights, samples: samples)
            measureLocked(LinearScanPolicy.self, "linear-scan", weights: weights, samples: samples)
        }
        if only.isEmpty || only == "min-heap" {
            measure(MinHeapPolicy.self, "min-heap", weights: weights, samples: samples)
            measureLocked(MinHeapPolicy.self, "min-heap", weights: weights, samples: samples)
        }
        if only.isEmpty || only == "buckets" {
            measure(BucketsPolicy.self, "buckets", weights: weights, samples: samples)
            measureLocked(BucketsPolicy.self, "buckets", weights: weights, samples: samples)
        }
        do {
            if only.isEmpty || only == "round-robin" {
                measureSelector("round-robin", weights: weights, samples: samples, try RoundRobinSelector(weights: weights))
            }
            if only.isEmpty || only == "atomic-scan" {
                measureSelector("atomic-scan", weights: weights, samples: samples, try AtomicScanSelector(weights: weights))
            }
            if only.isEmpty || only == "sharded" {
                measureSelector("sharded", weights: weights, samples: samples, try ShardedSelector(weights: weights))
            }
            if only.isEmpty || only == "p2c" {
                measureSelector("p2c", weights: weights, samples: samples, try P2CSelector(weights: weights, seed: 1))
            }
        } catch {
            fatalError("bad weights: \(error)")
        }
    }
}
