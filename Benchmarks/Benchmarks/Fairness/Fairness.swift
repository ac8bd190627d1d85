import Benchmark
import LBHarness
import LBWorkloads
import LoadBalancing

/// Fairness of every selector under the harness's workloads, as custom metrics: one harness
/// cell per selector and workload (64 servers, or video's own 3 weighted 2,1,1), one thread,
/// 100,000 picks, seed 1.
///
/// On one thread a cell is deterministic — the durations come from the seeded generator and
/// load is sampled every so many steps, not every so much time — so these figures are the same
/// on every machine and every run. That makes them the suite's gate: `Thresholds/` holds their
/// values, and `swift package benchmark thresholds check` fails when a change moves any of
/// them (a tie rule broken, a weight ignored, a connection leaked).
/// - `jainLoadPermille`: `jainLoad` × 1,000 (1,000 = every server equally loaded for its weight);
/// - `peakToMeanLoadPermille`: `peakToMeanLoad` × 1,000;
/// - `leakedConnections`: must be 0.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: FairnessMetric.all,
        maxDuration: .seconds(1),
        maxIterations: 1,
        // Deterministic: any change at all is a deviation.
        thresholds: Dictionary(uniqueKeysWithValues: FairnessMetric.all.map { ($0, .init(absolute: [.p90: 0])) })
    )
    for kind in SelectorKind.allCases {
        for workload in [Workload.uniform, .mixed, .heavyTail, .video] {
            Benchmark("\(kind).\(workload)") { benchmark in
                let weights = workload.defaultWeights ?? Array(repeating: 1, count: 64)
                let cell = RunConfiguration(
                    selector: kind, lock: nil, workload: workload, weights: weights, threads: 1,
                    concurrency: weights.count * workload.defaultConnectionsPerServer, length: .picks(100_000), seed: 1)
                let result = try Harness.run(cell)
                benchmark.measurement(FairnessMetric.jainLoad, Int((result.fairness.jainLoad * 1_000).rounded()))
                benchmark.measurement(FairnessMetric.peakToMeanLoad, Int((result.fairness.peakToMeanLoad * 1_000).rounded()))
                benchmark.measurement(FairnessMetric.leakedConnections, result.leakedConnections)
            }
        }
    }
}

enum FairnessMetric {
    static let jainLoad = BenchmarkMetric.custom("jainLoadPermille", polarity: .prefersLarger, useScalingFactor: false)
    static let peakToMeanLoad = BenchmarkMetric.custom("peakToMeanLoadPermille", polarity: .prefersSmaller, useScalingFactor: false)
    static let leakedConnections = BenchmarkMetric.custom("leakedConnections", polarity: .prefersSmaller, useScalingFactor: false)
    static let all = [jainLoad, peakToMeanLoad, leakedConnections]
}
