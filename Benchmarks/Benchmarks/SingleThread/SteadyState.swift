import Benchmark
import LoadBalancing

/// Registers `name`: a selector in a proxy's steady state, where its mallocs are
/// counted over a million operations rather than over a fresh selector's first 1,000 pairs.
///
/// The other rows build a selector afresh for every sample and run the same 1,000 pick + release
/// pairs with one connection in flight, so an allocation later in a selector's life, or one that
/// only a spread of counts brings out, is never seen there. Here each sample takes a fresh
/// selector of `weights.count` servers to `2 × peak` connections in flight (`peak` = 4 a server)
/// and back to idle, runs a million random picks and releases with up to `peak` in flight (the
/// warm-up: growth while the farm first reaches a count is allowed, as `PickGrowthTests` allows
/// it), and only then measures a million more of the same: `mallocCountTotal` must read 0, so an allocation
/// as rare as once a million operations after the warm-up fails the gate. The policies' storage
/// is checked the same way by `PickGrowthTests` (`ownedHeapBytes`); this row also reaches the
/// selectors that keep their state behind raw pointers (`atomic-scan`, `sharded`,
/// `partitioned`, `CombiningSelector`), which that test cannot see into.
///
/// Times are per operation (a pick or a release) with up to `peak` held: not comparable with
/// the pick + release rows.
///
/// - Note: One thread; the operations are the same on every run (a fixed xorshift sequence).
func steadyStateRow<Selector: ServerSelector>(
    _ name: String, weights: [Int],
    _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
) {
    let configuration = Benchmark.Configuration(warmupIterations: 0, scalingFactor: .mega, maxIterations: 3)
    Benchmark(name, configuration: configuration) { benchmark in
        let selector = try makeSelector(weights, 1)
        var load = HeldConnections(peak: 4 * weights.count, name: name)
        load.fill(selector, to: 2 * load.peak)
        load.drain(selector)
        let operations = benchmark.scaledIterations.count  // a million (`.mega`)
        load.churn(selector, operations: operations)
        benchmark.startMeasurement()
        load.churn(selector, operations: operations)
        benchmark.stopMeasurement()
        load.drain(selector)
    }
}

/// The connections a steady-state row holds, in storage reserved up front so that holding and
/// letting go of them allocates nothing.
///
/// - Note: Not thread-safe; one per benchmark sample.
struct HeldConnections {
    /// The most connections held during `churn`.
    let peak: Int
    /// The row's name, for the one message a selector can cause (no server to pick).
    let name: String
    private var held: [ServerID]
    /// xorshift64's state: which connection goes, and whether to pick or release.
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(peak: Int, name: String) {
        self.peak = peak
        self.name = name
        held = []
        held.reserveCapacity(2 * peak)
    }

    /// Picks until `count` connections are held. O(count) picks.
    mutating func fill(_ selector: some ServerSelector, to count: Int) {
        while held.count < count { pick(selector) }
    }

    /// Releases every held connection, the newest first. O(held) releases.
    mutating func drain(_ selector: some ServerSelector) {
        while let server = held.popLast() { selector.release(server) }
    }

    /// `operations` picks and releases in a random order, never more than `peak` held: a
    /// release (of a random held connection) when at the peak, a pick when none is held,
    /// otherwise either with probability ½.
    mutating func churn(_ selector: some ServerSelector, operations: Int) {
        for _ in 0..<operations {
            let draw = nextRandom()
            if held.count == peak || (!held.isEmpty && draw & 1 == 0) {
                let index = Int((draw >> 1) % UInt64(held.count))
                held.swapAt(index, held.count - 1)
                selector.release(held.removeLast())
            } else {
                pick(selector)
            }
        }
    }

    private mutating func pick(_ selector: some ServerSelector) {
        guard let server = selector.pick() else { fatalError("\(name) picked nothing: no server is drained here") }
        held.append(server)
    }

    private mutating func nextRandom() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return random
    }
}
