import Benchmark
import BenchmarkSupport
import Foundation
import LBHarness
import LoadBalancing

/// Two threads at once on one shared selector, for every selector (lock-based ones with each
/// lock): what a selector costs when two event loops share it, and whether it allocates then.
///
/// Two kinds of row, each sample on two explicit threads (one `Thread` each, so they really can
/// overlap; a dispatch pool may run them in turn), started together behind a gate, thread
/// start-up and exit outside the measurement:
/// - `<selector>.servers:<n>[.lock:<lock>]`, 64 and 1,024 servers of weight 1: 50,000 pick +
///   release pairs on each thread. Besides the wall clock, custom metrics:
///   - `nsPerPairPerThread`: wall time ÷ 50,000, what each thread's pick + release took;
///   - `onCpuPercent`: both threads' CPU time ÷ wall time × 100: 200 when they really ran at
///     once; near 100 when the machine time-sliced them (then contention is understated);
///   - `casRetriesPerMillionPicks` (lock-free selectors) and `lockHeldPer1kAcquisitions`
///     (lock-based): the contention the selector itself counted (`contentionStatistics()`).
/// - `<selector>.servers:64.weights:4[.lock:<lock>].steady`: the SingleThread suite's steady
///   state on both threads at once (`HeldConnections`, each thread its own random sequence):
///   each thread takes a fresh selector to 4 connections a server of its own and back, warms up
///   with a million random picks and releases holding up to 2 a server (so up to 4 a server in
///   all), and then, both together, a million more each are measured; times are per operation
///   of one thread.
///
/// # Thresholds
/// - `mallocCountTotal` is gated: `Thresholds/Contention.*.p90.json` hold 0 for every row, so
///   `swift package benchmark thresholds check --target Contention` (`scripts/test.sh` runs it,
///   with `LBBENCH_BENCHMARK_SECONDS=0.1`: `rowDuration()`) fails when an allocation happens only
///   while another thread works on the same selector (a contended lock's slow path, a combiner
///   serving another thread's request, a compare-and-swap's retry), which no one-thread row sees.
/// - The times move with the machine's load: compare them only between runs on one quiet
///   machine (`baseline check`), never against fixed thresholds.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal] + ContentionMetric.all,
        timeUnits: .microseconds,
        maxDuration: rowDuration(),
        maxIterations: 40,
        thresholds: [
            // For `baseline check` of a pull request against main on one quiet machine only.
            .wallClock: .init(relative: [.p50: 15, .p90: 25]),
            ContentionMetric.nsPerPairPerThread: .init(relative: [.p50: 15, .p90: 25]),
            // Gated everywhere (the threshold files).
            .mallocCountTotal: .init(absolute: [.p50: 0, .p90: 0, .p100: 0]),
        ]
    )
    for kind in SelectorKind.allCases {
        for servers in [64, 1_024] {
            for lock in kind.usesLock ? LockKind.allCases : [LockKind.default] {
                let name = kind.usesLock ? "\(kind).servers:\(servers).lock:\(lock)" : "\(kind).servers:\(servers)"
                kind.withSelectorType(lock: lock, TwoThreadRow(shape: .pickAndRelease, name: name, weights: Array(repeating: 1, count: servers)))
            }
        }
    }
    let steadyWeights = (0..<64).map { $0 % 4 + 1 }
    for kind in SelectorKind.allCases {
        for lock in kind.usesLock ? LockKind.allCases : [LockKind.default] {
            let name = lock == .default ? "\(kind).servers:64.weights:4.steady" : "\(kind).servers:64.weights:4.lock:\(lock).steady"
            kind.withSelectorType(lock: lock, TwoThreadRow(shape: .steadyState, name: name, weights: steadyWeights))
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

/// Registers one row of `shape`: a fresh selector of the visited type over `weights`, timed
/// through its concrete type (`SelectorKind.withSelectorType`).
struct TwoThreadRow: SelectorVisitor {
    typealias Failure = Never
    let shape: RowShape
    let name: String
    let weights: [Int]

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) {
        switch shape {
        case .pickAndRelease:
            Benchmark(name) { [weights] benchmark in
                try twoThreads(try makeSelector(weights, 1), benchmark)
            }
        case .steadyState:
            let configuration = Benchmark.Configuration(
                metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 0,
                scalingFactor: .mega, maxIterations: 3,
                thresholds: [
                    .wallClock: .init(relative: [.p50: 15, .p90: 25]),
                    .mallocCountTotal: .init(absolute: [.p50: 0, .p90: 0, .p100: 0]),
                ])
            Benchmark(name, configuration: configuration) { [name, weights] benchmark in
                try twoThreadsSteady(try makeSelector(weights, 1), name: name, benchmark)
            }
        }
    }
}

/// Runs `prepare` and then `measured` on two threads at once, thread `index` 0 and 1; the
/// measurement spans the part both run together. Each thread runs `prepare(index)`, then waits at a gate; once both wait,
/// the measurement starts and the gate opens; each runs `measured(index)`; the measurement stops
/// when both are done, and only then do the threads exit (a thread's exit is never measured).
///
/// - Returns: the measured wall time and both threads' CPU time in it, in nanoseconds.
func onTwoThreads(
    _ benchmark: Benchmark,
    prepare: @escaping @Sendable (_ index: Int) -> Void,
    measured: @escaping @Sendable (_ index: Int) -> Void
) -> (wall: UInt64, cpu: UInt64) {
    let start = StartGate(parties: 2)
    let exit = StartGate(parties: 2)
    let finished = DispatchGroup()
    let cpuNanoseconds = CPUTally()
    for index in 0..<2 {
        finished.enter()
        Thread {
            prepare(index)
            start.arriveAndWait()
            let cpuBefore = ThreadCPUTime.nanoseconds()
            measured(index)
            cpuNanoseconds.add(ThreadCPUTime.nanoseconds() - cpuBefore)
            finished.leave()
            exit.arriveAndWait()
        }.start()
    }
    start.waitForEveryone()
    let startTime = MonotonicClock.nanoseconds()
    benchmark.startMeasurement()
    start.open()
    finished.wait()
    benchmark.stopMeasurement()
    let wall = MonotonicClock.nanoseconds() - startTime
    exit.open()
    return (wall, cpuNanoseconds.total)
}

/// One pick + release sample: both threads do `pairsPerThread` pairs at once.
func twoThreads<Selector: ServerSelector>(_ selector: Selector, _ benchmark: Benchmark) throws {
    let before = selector.contentionStatistics()
    let (wall, cpu) = onTwoThreads(benchmark, prepare: { _ in }) { _ in
        for _ in 0..<pairsPerThread {
            guard let server = selector.pick() else { fatalError("no server is drained here") }
            selector.release(server)
        }
    }
    let after = selector.contentionStatistics()

    benchmark.measurement(ContentionMetric.nsPerPairPerThread, Int(wall) / pairsPerThread)
    benchmark.measurement(ContentionMetric.onCpuPercent, Int(cpu * 100 / max(wall, 1)))
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

/// One steady-state sample: each thread, with its own `HeldConnections` (up to 2 connections a
/// server), fills to twice that and drains, warms up with a million random operations, then
/// (measured, both at once) runs a million more and drains.
func twoThreadsSteady<Selector: ServerSelector>(_ selector: Selector, name: String, _ benchmark: Benchmark) throws {
    let servers = selector.activeConnections().count
    let operations = benchmark.scaledIterations.count  // a million (`.mega`)
    let loads = [
        ThreadLoad(HeldConnections(peak: 2 * servers, name: name, seed: 0x9E37_79B9_7F4A_7C15)),
        ThreadLoad(HeldConnections(peak: 2 * servers, name: name, seed: 0xD1B5_4A32_D192_ED03)),
    ]
    _ = onTwoThreads(
        benchmark,
        prepare: { index in
            let load = loads[index]
            load.connections.fill(selector, to: 2 * load.connections.peak)
            load.connections.drain(selector)
            load.connections.churn(selector, operations: operations)
        },
        measured: { index in
            loads[index].connections.churn(selector, operations: operations)
            loads[index].connections.drain(selector)
        })
    if selector.activeConnections().contains(where: { $0 != 0 }) { fatalError("\(name): connections leaked") }
}

/// One thread's `HeldConnections`, in an object of its own so that two threads never access
/// one variable.
///
/// - Note: Thread-safe as used: one thread at a time (the gates between the phases order them).
final class ThreadLoad: @unchecked Sendable {
    var connections: HeldConnections

    init(_ connections: HeldConnections) { self.connections = connections }
}

/// CPU nanoseconds added up by the workers.
final class CPUTally: @unchecked Sendable {
    private let lock = NSLock()
    private var sum: UInt64 = 0

    func add(_ nanoseconds: UInt64) { lock.withLock { sum += nanoseconds } }
    var total: UInt64 { lock.withLock { sum } }
}
