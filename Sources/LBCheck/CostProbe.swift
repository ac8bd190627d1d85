import LoadBalancing

/// Measures what one pick followed by its release costs a selector, single-threaded, in
/// nanoseconds, for comparing selectors as ratios within one process.
///
/// Each selector is timed in several rounds, interleaved with the others' rounds so that a
/// burst of noise on this shared machine hits every selector alike, and the median round is
/// kept. A round times a whole loop with two clock reads, so the clock's own cost is spread
/// over thousands of operations instead of being added to each. Each round starts with an
/// untimed warm-up of a quarter of its length, so that it measures the selector with its
/// data in cache, as a balancer that picks all the time has it, rather than the misses left
/// by the previous subject's round.
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

    /// Rounds per subject; the median is kept.
    public let rounds: Int
    /// The least time one round should last, so that clock granularity is negligible.
    public let roundNanoseconds: UInt64

    public init(rounds: Int = 7, roundNanoseconds: UInt64 = 5_000_000) {
        self.rounds = rounds
        self.roundNanoseconds = roundNanoseconds
    }

    /// The median cost, in nanoseconds, of a pick plus its release for each subject.
    ///
    /// Every selector holds `servers / 2` connections in the background while it is timed, so
    /// counts differ between servers, as they do in a live balancer.
    public func measure(_ subjects: [Subject]) throws -> [Subject: Double] {
        var selectors: [(Subject, any ServerSelector, Int)] = []
        var background: [(any ServerSelector, [ServerID])] = []
        for subject in subjects {
            let selector = try subject.kind.makeSelector(
                weights: Array(repeating: 1, count: subject.servers), lock: subject.lock, seed: 1)
            background.append((selector, (0..<(subject.servers / 2)).compactMap { _ in selector.pick() }))
            selectors.append((subject, selector, calibrate(selector)))
        }
        defer {
            for (selector, held) in background { held.forEach(selector.release) }
        }
        var samples: [Subject: [Double]] = [:]
        for _ in 0..<rounds {
            for (subject, selector, iterations) in selectors {
                _ = time(selector, iterations: iterations / 4)
                samples[subject, default: []].append(time(selector, iterations: iterations))
            }
        }
        return samples.mapValues { values in values.sorted()[values.count / 2] }
    }

    /// Doubles the iteration count until one round lasts at least `roundNanoseconds`.
    private func calibrate(_ selector: any ServerSelector) -> Int {
        var iterations = 1_000
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
