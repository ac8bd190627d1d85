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
/// - Complexity: about `rounds × 1.25 × roundNanoseconds` per subject, plus calibration.
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

        /// The subject's selector, as `SelectorKind` builds it: weights 1, seed 1.
        public func makeSelector() throws(SelectorConfigurationError) -> any ServerSelector {
            try kind.makeSelector(weights: Array(repeating: 1, count: servers), lock: lock, seed: 1)
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
    /// counts differ between servers, as they do in a live balancer.
    ///
    /// - Parameter timed: what is timed in place of a subject's selector, given it with its
    ///   background connections already held (`InjectedRegression` substitutes a slowed
    ///   wrapper); by default the selector itself.
    public func measure(
        _ subjects: [Subject],
        timed: (Subject, any ServerSelector) -> any ServerSelector = { $1 }
    ) throws -> CostSamples {
        var selectors: [(Subject, any ServerSelector, Int)] = []
        var background: [(any ServerSelector, [ServerID])] = []
        defer {
            for (selector, held) in background { held.forEach(selector.release) }
        }
        for subject in subjects {
            let selector = try subject.makeSelector()
            background.append((selector, (0..<(subject.servers / 2)).compactMap { _ in selector.pick() }))
            let subjectTimed = timed(subject, selector)
            selectors.append((subject, subjectTimed, calibrate(subjectTimed)))
        }
        var samples = CostSamples()
        for _ in 0..<rounds {
            for (subject, selector, iterations) in selectors {
                _ = time(selector, iterations: max(1, iterations / 4))
                samples.record(time(selector, iterations: iterations), for: subject)
            }
        }
        return samples
    }

    /// Doubles the iteration count until one round lasts at least `roundNanoseconds`. Starts
    /// small so that a slow selector (a regression) does not make calibration itself slow.
    private func calibrate(_ selector: any ServerSelector) -> Int {
        var iterations = 16
        while Double(iterations) * time(selector, iterations: iterations) < Double(roundNanoseconds) {
            iterations *= 2
        }
        return iterations
    }

    /// Nanoseconds per pick-and-release over `iterations` of them.
    private func time(_ selector: any ServerSelector, iterations: Int) -> Double {
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<iterations {
            guard let server = selector.pick() else { fatalError("CostProbe: every server is drained") }
            selector.release(server)
        }
        return Double(MonotonicClock.nanoseconds() - start) / Double(iterations)
    }
}
