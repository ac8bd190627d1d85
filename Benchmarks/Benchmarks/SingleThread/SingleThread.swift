import Benchmark
import BenchmarkSupport
import Foundation
import LoadBalancing
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Single-thread cost of one pick followed by its release, for every selector in the
/// catalogue, so that selectors added to `SelectorKind` are measured without touching this file.
///
/// Rows are named `<selector>.servers:<n>` (equal weights, default lock),
/// `<selector>.servers:<n>.weights:4` (weights 1, 2, 3, 4 in turn, so four weight classes) and
/// `<selector>.servers:<n>.lock:spin` and `.lock:combining` (lock-based selectors behind
/// `SpinLock`, or flat combining, instead of the default `BlockingLock`). `lock:<kind>.uncontended` is a bare acquire and release, the floor
/// under every lock-based row; `lock:pthread-mutex` and `lock:synchronization-mutex` are the
/// same for glibc's mutex and the standard library's `Mutex`, which `BlockingLock` is compared with.
/// `<selector>.servers:64.weights:4.steady` (and `.lock:<kind>.steady`) is a steady state under
/// load, a million random picks and releases with up to 4 connections a server in flight, after a
/// million more as a warm-up (`SteadyState`; times per operation, not per pair). Every row also
/// counts mallocs: a pick and a release must allocate nothing, so `mallocCountTotal` must read 0.
///
/// Run from `Benchmarks/`: `swift package benchmark --target SingleThread` (add
/// `--filter 'buckets\..*'` for some rows; wall times are only comparable within one run on
/// one machine).
///
/// Names hold no `/` or space: package-benchmark 1.38.1 writes threshold files with those
/// replaced by `_` but looks them up by the raw name, so such rows could never be checked.
///
/// # Thresholds
/// - `mallocCountTotal` is gated everywhere: `Thresholds/SingleThread.*.p90.json` hold 0 for
///   every row and the tolerance is 0, so `swift package benchmark thresholds check` (`.ci/run`
///   runs it) fails when a tenth of a row's samples allocate. Each sample builds its selector
///   afresh and runs the same 1,000 pairs on it, so an allocation among a selector's first 1,000
///   pairs is in every sample and fails the gate; one later in a selector's life is not seen by
///   those rows, but by the `.steady` rows, whose sample is a million operations of a warmed
///   selector (an allocation as rare as once in that million fails them).
///   `scripts/test.sh` runs the gate with `LBBENCH_BENCHMARK_SECONDS=0.1` (`rowDuration()`).
/// - `wallClock` and `throughput` are compared only between two runs on one quiet machine
///   (`baseline check main pull_request`, the GitHub workflow): a regression is a p50 more
///   than 10% or a p90 more than 15% worse than main's.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        // Each measured sample is 1,000 pick+release pairs, so the timer's own cost vanishes;
        // reported times are per pair.
        scalingFactor: .kilo,
        maxDuration: rowDuration(),
        maxIterations: 100_000,
        thresholds: [
            .wallClock: .init(relative: [.p50: 10, .p90: 15]),
            .throughput: .init(relative: [.p50: 10, .p90: 15]),
            .mallocCountTotal: .init(absolute: [.p50: 0, .p90: 0, .p100: 0]),
        ]
    )

    let serverCounts = [8, 64, 1_024, 100_000]
    for kind in SelectorKind.allCases {
        for servers in serverCounts {
            register(.pickAndRelease, kind, weights: Array(repeating: 1, count: servers), name: "\(kind).servers:\(servers)")
            register(
                .pickAndRelease, kind, weights: (0..<servers).map { $0 % 4 + 1 }, name: "\(kind).servers:\(servers).weights:4")
            for lock in LockKind.allCases where kind.usesLock && lock != .default {
                register(
                    .pickAndRelease, kind, weights: Array(repeating: 1, count: servers), lock: lock,
                    name: "\(kind).servers:\(servers).lock:\(lock)")
            }
        }
    }

    // A steady state under load, its mallocs counted over a million operations (`SteadyState`).
    let steadyWeights = (0..<64).map { $0 % 4 + 1 }
    for kind in SelectorKind.allCases {
        register(.steadyState, kind, weights: steadyWeights, name: "\(kind).servers:64.weights:4.steady")
        for lock in LockKind.allCases where kind.usesLock && lock != .default {
            register(.steadyState, kind, weights: steadyWeights, lock: lock, name: "\(kind).servers:64.weights:4.lock:\(lock).steady")
        }
    }

    Benchmark("lock:mutex.uncontended") { benchmark in
        uncontended(BlockingLock(), benchmark)
    }
    Benchmark("lock:spin.uncontended") { benchmark in
        uncontended(SpinLock(), benchmark)
    }
    // The two locks `BlockingLock` was chosen over, for its documented comparison.
    Benchmark("lock:pthread-mutex.uncontended") { benchmark in
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            pthread_mutex_lock(mutex)
            pthread_mutex_unlock(mutex)
        }
        benchmark.stopMeasurement()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    Benchmark("lock:synchronization-mutex.uncontended") { benchmark in
        let mutex = Mutex(0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            mutex.withLock { $0 &+= 1 }
        }
        benchmark.stopMeasurement()
        blackHole(mutex.withLock { $0 })
    }
}

/// Registers the row `name` of `shape` for a selector of `kind`, timed through the selector's
/// concrete type (`SelectorKind.withSelectorType`), as a proxy that names its selector type
/// would call it.
func register(_ shape: RowShape, _ kind: SelectorKind, weights: [Int], lock: LockKind = .default, name: String) {
    kind.withSelectorType(lock: lock, SelectorRow(shape: shape, name: name, weights: weights))
}

/// `register`'s visitor: the row for one concrete selector type.
struct SelectorRow: SelectorVisitor {
    typealias Failure = Never
    let shape: RowShape
    let name: String
    let weights: [Int]

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) {
        switch shape {
        case .pickAndRelease: pickAndReleaseRow(name, weights: weights, makeSelector)
        case .steadyState: steadyStateRow(name, weights: weights, makeSelector)
        }
    }
}

/// Registers `name`: `pick()` then `release(_:)` on a fresh selector, 1,000 pairs a sample.
func pickAndReleaseRow<Selector: ServerSelector>(
    _ name: String, weights: [Int],
    _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
) {
    Benchmark(name) { benchmark in
        let selector = try makeSelector(weights, 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard let server = selector.pick() else { fatalError("\(name) picked nothing: no server is drained here") }
            selector.release(server)
            blackHole(server)
        }
    }
}

/// Acquires and releases `lock` with nobody else around.
func uncontended(_ lock: some SelectorLock, _ benchmark: Benchmark) {
    benchmark.startMeasurement()  // the lock's own allocation is not part of the row
    for _ in benchmark.scaledIterations {
        lock.lock()
        lock.unlock()
    }
    blackHole(lock)
}
