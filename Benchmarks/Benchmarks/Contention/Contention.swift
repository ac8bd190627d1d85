import Benchmark
import Foundation
import LBHarness
import LoadBalancing

/// Two threads hammering one shared selector with pick + release, for every selector at 64 and
/// 1,024 servers (lock-based ones with each lock): what a selector costs when two event loops
/// share it.
///
/// A sample is 50,000 pairs on each of two explicit threads, started together behind a gate
/// (one `Thread` each, so they really can overlap; a dispatch pool may run them in turn). Thread
/// start-up is outside the measurement. Besides the wall clock, custom metrics:
/// - `nsPerPairPerThread`: wall time ÷ 50,000, what each thread's pick + release took;
/// - `onCpuPercent`: both threads' CPU time ÷ wall time × 100: 200 when they really ran at
///   once; near 100 when the machine time-sliced them (then contention is understated);
/// - `casRetriesPerMillionPicks` (lock-free selectors) and `lockHeldPer1kAcquisitions` (lock-based):
///   the contention the selector itself counted (`contentionStatistics()`).
///
/// These figures move with the machine's load: compare them only between runs on one quiet
/// machine (`baseline check`), never against fixed thresholds.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock] + ContentionMetric.all,
        timeUnits: .microseconds,
        maxDuration: .seconds(1),
        maxIterations: 40,
        // For `baseline check` of a pull request against main on one quiet machine only.
        thresholds: [
            .wallClock: .init(relative: [.p50: 15, .p90: 25]),
            ContentionMetric.nsPerPairPerThread: .init(relative: [.p50: 15, .p90: 25]),
        ]
    )
    for kind in SelectorKind.allCases {
        for servers in [64, 1_024] {
            for lock in kind.usesLock ? LockKind.allCases : [LockKind.default] {
                let name = kind.usesLock ? "\(kind).servers:\(servers).lock:\(lock)" : "\(kind).servers:\(servers)"
                kind.withSelectorType(lock: lock, TwoThreadRow(name: name, servers: servers))
            }
        }
    }
}

enum ContentionMetric {
    static let nsPerPairPerThread = BenchmarkMetric.custom("nsPerPairPerThread", polarity: .prefersSmaller, useScalingFactor: false)
    static let onCpuPercent = BenchmarkMetric.custom("onCpuPercent", polarity: .prefersLarger, useScalingFactor: false)
    static let casRetries = BenchmarkMetric.custom("casRetriesPerMillionPicks", polarity: .prefersSmaller, useScalingFactor: false)
    static let lockHeld = BenchmarkMetric.custom("lockHeldPer1kAcquisitions", polarity: .prefersSmaller, useScalingFactor: false)
    static let all = [nsPerPairPerThread, onCpuPercent, casRetries, lockHeld]
}

let pairsPerThread = 50_000

/// Registers one row: a fresh selector of the visited type over `servers` servers of weight 1,
/// timed through its concrete type (`SelectorKind.withSelectorType`).
struct TwoThreadRow: SelectorVisitor {
    typealias Failure = Never
    let name: String
    let servers: Int

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) {
        Benchmark(name) { [servers] benchmark in
            try twoThreads(try makeSelector(Array(repeating: 1, count: servers), 1), benchmark)
        }
    }
}

/// One sample: both threads do `pairsPerThread` pick + release pairs at once.
func twoThreads<Selector: ServerSelector>(_ selector: Selector, _ benchmark: Benchmark) throws {
    let gate = StartGate(parties: 2)
    let finished = DispatchGroup()
    let cpuNanoseconds = CPUTally()
    for _ in 0..<2 {
        finished.enter()
        Thread {
            gate.arriveAndWait()
            let cpuBefore = ThreadCPUTime.nanoseconds()
            for _ in 0..<pairsPerThread {
                guard let server = selector.pick() else { fatalError("no server is drained here") }
                selector.release(server)
            }
            cpuNanoseconds.add(ThreadCPUTime.nanoseconds() - cpuBefore)
            finished.leave()
        }.start()
    }
    gate.waitForEveryone()
    let before = selector.contentionStatistics()
    let start = MonotonicClock.nanoseconds()
    benchmark.startMeasurement()
    gate.open()
    finished.wait()
    benchmark.stopMeasurement()
    let wall = MonotonicClock.nanoseconds() - start
    let after = selector.contentionStatistics()

    benchmark.measurement(ContentionMetric.nsPerPairPerThread, Int(wall) / pairsPerThread)
    benchmark.measurement(ContentionMetric.onCpuPercent, Int(cpuNanoseconds.total * 100 / max(wall, 1)))
    if let retriesAfter = after.casRetries, let retriesBefore = before.casRetries {
        benchmark.measurement(ContentionMetric.casRetries, Int((retriesAfter - retriesBefore) * 1_000_000) / (2 * pairsPerThread))
    }
    if let lockAfter = after.lock, let lockBefore = before.lock {
        let acquisitions = lockAfter.acquisitions - lockBefore.acquisitions
        let held = lockAfter.contendedAcquisitions - lockBefore.contendedAcquisitions
        benchmark.measurement(ContentionMetric.lockHeld, Int(held * 1_000 / max(acquisitions, 1)))
    }
    if selector.activeConnections().contains(where: { $0 != 0 }) { fatalError("connections leaked") }
}

/// CPU nanoseconds added up by the workers.
final class CPUTally: @unchecked Sendable {
    private let lock = NSLock()
    private var sum: UInt64 = 0

    func add(_ nanoseconds: UInt64) { lock.withLock { sum += nanoseconds } }
    var total: UInt64 { lock.withLock { sum } }
}
