import Benchmark
import BenchmarkSupport
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
