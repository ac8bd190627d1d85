import Glibc
import LoadBalancing

// Prints, for linear-scan, min-heap and buckets with 8, 64 and 1,024 servers, equal weights
// and weights 1,2,3,4 repeating, the fastest and the median of `samples` samples, each the mean
// ns of 1,000 pick + release pairs on one policy alone (one connection in flight: at light load
// every server ties, so the tie rule decides every pick). One line per cell:
// `selector servers equal|w4 fastest median`.

/// The monotonic clock in ns.
@inline(__always)
func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Measures one policy type on one farm and prints its line.
@inline(never)
func measure<Policy: SelectionPolicy>(_ type: Policy.Type, _ name: String, weights: [Int], samples: Int) {
    guard var policy = try? Policy(weights: weights, seed: 1) else { fatalError("bad weights") }
    var times: [Double] = []
    times.reserveCapacity(samples)
    var sink = 0
    for _ in 0..<samples {
        let start = nanoseconds()
        for _ in 0..<1000 {
            guard let server = policy.pick() else { fatalError("no server") }
            sink &+= server.index
            policy.release(server)
        }
        times.append(Double(nanoseconds() - start) / 1000)
    }
    times.sort()
    let label = weights.allSatisfy { $0 == weights[0] } ? "equal" : "w4"
    let rounded = { (value: Double) in (value * 10).rounded() / 10 }
    // `sink` keeps the picks observable, so the optimizer cannot drop them.
    print(name, weights.count, label, rounded(times[0]), rounded(times[times.count / 2]), sink & 0)
}

let only = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
for servers in [8, 64, 1024] {
    let samples = servers >= 1024 ? 300 : 2000
    for weights in [Array(repeating: 1, count: servers), (0..<servers).map { $0 % 4 + 1 }] {
        if only.isEmpty || only == "linear-scan" {
            measure(LinearScanPolicy.self, "linear-scan", weights: weights, samples: samples)
        }
        if only.isEmpty || only == "min-heap" { measure(MinHeapPolicy.self, "min-heap", weights: weights, samples: samples) }
        if only.isEmpty || only == "buckets" { measure(BucketsPolicy.self, "buckets", weights: weights, samples: samples) }
    }
}
