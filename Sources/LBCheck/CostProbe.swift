import LoadBalancing

/// Measures what one pick followed by its release costs a selector, single-threaded, in
/// nanoseconds, for comparing selectors as ratios within one process.
///
/// Each selector is timed in several short rounds, interleaved with the others' rounds so that
/// a burst of noise on this shared machine hits every selector alike, and every round is kept
/// (`CostSamples`), so that a claim can use an estimator noise cannot inflate — the fastest
/// round — and state the spread. A round times a whole loop with two clock reads, so the
/// clock's own cost is spread over thousands of operations instead of being added to each.
/// Each round starts with an untimed warm-up of a quarter of its length, so that it measures
/// the selector with its data in cache, as a balancer that picks all the time has it, rather
/// than the misses left by the previous subject's round.
///
/// - Complexity: between `rounds × 1.25 × roundNanoseconds` and twice that per subject (calibration
///   doubles a round's length until it lasts at least `roundNanoseconds`; each round adds a
///   quarter-length warm-up), plus calibration.
/// - Note: Runs on the calling thread; not for concurrent use with other measurements.
public struct CostProbe: Sendable {
    /// One selector configuration to time.
    public struct Subject: Hashable, Sendable, CustomStringConvertible {
        public let kind: SelectorKind
        public let servers: Int
        public let lock: LockKind

        public init(_ kind: SelectorKind, servers: Int, lock: LockKind = .default) {
            self.kind = kind
            self.servers = servers
            self.lock = lock
        }

        public var description: String {
            kind.usesLock ? "\(kind)+\(lock)/servers:\(servers)" : "\(kind)/servers:\(servers)"
        }
    }

    /// Rounds per subject and measurement.
    public let rounds: Int
    /// The least time one round should last, so that clock granularity is negligible. Short
    /// rounds make it likelier that some round of each subject runs undisturbed.
    public let roundNanoseconds: UInt64

    public init(rounds: Int = 21, roundNanoseconds: UInt64 = 1_000_000) {
        precondition(rounds > 0 && roundNanoseconds > 0, "a probe needs rounds of some length")
        self.rounds = rounds
        self.roundNanoseconds = roundNanoseconds
    }

    /// Every round's cost, in nanoseconds, of a pick plus its release for each subject.
    ///
    /// Every selector holds `servers / 2` connections in the background while it is timed, so
    /// counts differ between servers, as they do in a live balancer. Each subject's timed loop
    /// is specialized for its concrete selector type (`SelectorKind.withSelectorType`).
    ///
    /// - Parameter regressions: regressions to inject (`InjectedRegression`): a subject of a
    ///   targeted kind is timed through a `SlowedSelector` wrapper; by default none.
    public func measure(_ subjects: [Subject], injecting regressions: Set<InjectedRegression> = []) throws -> CostSamples {
        var timers: [(Subject, TimedSelector, Int)] = []
        defer {
            for (_, timer, _) in timers { timer.releaseBackground() }
        }
        for subject in subjects {
            let walks = regressions.walks(for: subject.kind)
            let timer = try subject.kind.withSelectorType(lock: subject.lock, TimedSelector.Builder(servers: subject.servers, walks: walks))
            timers.append((subject, timer, calibrate(timer)))
        }
        var samples = CostSamples()
        for _ in 0..<rounds {
            for (subject, timer, iterations) in timers {
                _ = timer.nanosecondsPerPair(max(1, iterations / 4))
                samples.record(timer.nanosecondsPerPair(iterations), for: subject)
            }
        }
        return samples
    }

    /// Doubles the iteration count until one round lasts at least `roundNanoseconds`. Starts
    /// small so that a slow selector (a regression) does not make calibration itself slow.
    private func calibrate(_ timer: TimedSelector) -> Int {
        var iterations = 16
        while Double(iterations) * timer.nanosecondsPerPair(iterations) < Double(roundNanoseconds) {
            iterations *= 2
        }
        return iterations
    }

    /// Nanoseconds per pick-and-release over `iterations` of them.
    static func time<Selector: ServerSelector>(_ selector: Selector, iterations: Int) -> Double {
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<iterations {
            guard let server = selector.pick() else { fatalError("CostProbe: every server is drained") }
            selector.release(server)
        }
        return Double(MonotonicClock.nanoseconds() - start) / Double(iterations)
    }
}

/// One subject's selector with its background connections held, ready to be timed: closures
/// over the concrete selector type, so that the timed loop is specialized for it.
struct TimedSelector {
    /// Nanoseconds per pick-and-release over the given number of them.
    let nanosecondsPerPair: (_ iterations: Int) -> Double
    /// Releases the background connections.
    let releaseBackground: () -> Void

    /// Builds a subject's selector (weights 1, seed 1), holds `servers / 2` connections on it,
    /// and wraps it in a `SlowedSelector` when `walks` is set.
    struct Builder: SelectorVisitor {
        let servers: Int
        let walks: Int?

        func visit<Selector: ServerSelector>(
            _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
        ) throws(SelectorConfigurationError) -> TimedSelector {
            let selector = try makeSelector(Array(repeating: 1, count: servers), 1)
            let held = (0..<(servers / 2)).compactMap { _ in selector.pick() }
            let release = { held.forEach(selector.release) }
            if let walks {
                let slowed = SlowedSelector(selector, walks: walks)
                return TimedSelector(nanosecondsPerPair: { CostProbe.time(slowed, iterations: $0) }, releaseBackground: release)
            }
            return TimedSelector(nanosecondsPerPair: { CostProbe.time(selector, iterations: $0) }, releaseBackground: release)
        }
    }
}
