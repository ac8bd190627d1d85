/// The catalogue of selectors, by the names the command line spells.
///
/// Every kind builds a thread-safe `ServerSelector`; lock-based kinds take the lock to use.
/// `round-robin` is the baseline and not least connections at all (it never looks at the
/// counts); the other lock-free kinds are approximate least connections.
public enum SelectorKind: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case roundRobin = "round-robin"
    case linearScan = "linear-scan"
    case minHeap = "min-heap"
    case buckets
    case atomicScan = "atomic-scan"
    case sharded
    case p2c
    case partitioned

    public var description: String { rawValue }

    /// One line for `lbbench list`.
    public var summary: String {
        switch self {
        case .roundRobin:
            "baseline, not least connections: atomic ticket over NGINX smooth weighted round robin; pick O(1)"
        case .linearScan:
            "lock + array of counts scanned for the minimal score; exact, pick O(n) (NGINX least_conn, IPVS wlc)"
        case .minHeap:
            "lock + one indexed 4-ary min-heap of (count, stamp) per weight class, a tournament over the class roots; exact, O(log n) (Finagle, APISIX)"
        case .buckets:
            "lock + servers in lists by active count per weight, cached minimum; exact, O(1) equal weights (HAProxy fwlc)"
        case .atomicScan:
            "lock-free scan of padded atomic counts, compare-and-swap claim; pick O(n) (IPVS wlc RCU walk)"
        case .sharded:
            "per-thread striped counts with a per-server total beside them for the scan, CAS on a pass per claim; pick O(n) (Java LongAdder)"
        case .p2c:
            "two distinct random servers, lower score wins, atomic counts; pick O(1) (Envoy, gRPC, Finagle, Linkerd)"
        case .partitioned:
            "16 shards, each exact buckets under its own spinlock with its minimum published; lowest of two random shards and a remembered one; pick O(1)"
        }
    }

    /// What the kind promises about its picks: the one place that says which kinds are exact.
    public var category: SelectorCategory {
        switch self {
        case .roundRobin: .baseline
        case .linearScan, .minHeap, .buckets: .exact
        case .atomicScan, .sharded, .p2c, .partitioned: .approximate
        }
    }

    /// Whether every pick has minimal score at the moment it is made.
    public var isExact: Bool { category == .exact }

    /// Whether the selector runs a policy behind a lock (so `LockKind` matters).
    public var usesLock: Bool {
        switch self {
        case .linearScan, .minHeap, .buckets: true
        case .roundRobin, .atomicScan, .sharded, .p2c, .partitioned: false
        }
    }

    /// Whether a pick visits every server (O(n); `sharded` O(n·stripes)), so that a cell's cost
    /// grows with the farm (the harness bounds such cells: `RunConfiguration.Limits`).
    public var pickScansEveryServer: Bool {
        switch self {
        case .linearScan, .atomicScan, .sharded: true
        case .roundRobin, .minHeap, .buckets, .p2c, .partitioned: false
        }
    }

    /// Whether a pick compares one entry per weight class (O(W) for W distinct positive
    /// weights: `buckets` compares the head of each class's minimum bucket), so that a cell's
    /// cost grows with the distinct weights (the harness bounds such cells as well).
    public var pickVisitsEveryWeightClass: Bool { self == .buckets }

    /// The weight classes of `weights`: how many distinct positive weights it holds.
    ///
    /// - Complexity: O(n) expected; a run of equal weights costs one comparison a server (no
    ///   hashing), so equal weights cost a pass of comparisons.
    public static func weightClasses(in weights: [Int]) -> Int {
        var seen: Set<Int> = []
        var previous = 0
        for weight in weights where weight > 0 && weight != previous {
            seen.insert(weight)
            previous = weight
        }
        return seen.count
    }

    /// Runs `visitor` with this kind's concrete selector type (under `lock` for lock-based
    /// kinds; lock-free ones ignore it): the one switch that names every selector type, so a
    /// generic body (the harness's worker loop, a benchmark, the simulator's router) runs
    /// specialized for each selector instead of through `any ServerSelector`.
    ///
    /// - Complexity: O(1) plus the visitor's body.
    @inlinable
    public func withSelectorType<Visitor: SelectorVisitor>(
        lock: LockKind = .default, _ visitor: Visitor
    ) throws(Visitor.Failure) -> Visitor.Output {
        switch self {
        case .roundRobin: try visitor.visit { (weights, _) throws(SelectorConfigurationError) in try RoundRobinSelector(weights: weights) }
        case .linearScan: try Self.locked(LinearScanPolicy.self, lock: lock, visitor)
        case .minHeap: try Self.locked(MinHeapPolicy.self, lock: lock, visitor)
        case .buckets: try Self.locked(BucketsPolicy.self, lock: lock, visitor)
        case .atomicScan: try visitor.visit { (weights, _) throws(SelectorConfigurationError) in try AtomicScanSelector(weights: weights) }
        case .sharded: try visitor.visit { (weights, _) throws(SelectorConfigurationError) in try ShardedSelector(weights: weights) }
        case .p2c: try visitor.visit { (weights, seed) throws(SelectorConfigurationError) in try P2CSelector(weights: weights, seed: seed) }
        case .partitioned:
            try visitor.visit { (weights, seed) throws(SelectorConfigurationError) in try PartitionedSelector(weights: weights, seed: seed) }
        }
    }

    @inlinable
    static func locked<Policy: SelectionPolicy, Visitor: SelectorVisitor>(
        _ policy: Policy.Type, lock: LockKind, _ visitor: Visitor
    ) throws(Visitor.Failure) -> Visitor.Output {
        switch lock {
        case .mutex:
            try visitor.visit { (weights, seed) throws(SelectorConfigurationError) in
                try LockedSelector<Policy, BlockingLock>(weights: weights, seed: seed)
            }
        case .spin:
            try visitor.visit { (weights, seed) throws(SelectorConfigurationError) in
                try LockedSelector<Policy, SpinLock>(weights: weights, seed: seed)
            }
        case .combining:
            try visitor.visit { (weights, seed) throws(SelectorConfigurationError) in try CombiningSelector<Policy>(weights: weights, seed: seed) }
        }
    }

    /// Builds a selector of this kind for `weights.count` servers, behind an existential: for
    /// callers that do not care about the cost of a call (about 55 ns more per pick-and-release
    /// for lock-based kinds than a specialized call; see `withSelectorType(lock:_:)`).
    ///
    /// - Parameters:
    ///   - weights: one per server, each in 0 … `SelectorLimits.maximumWeight` (0 drains it), at least one positive.
    ///   - lock: the lock for lock-based kinds; ignored by lock-free ones.
    ///   - seed: drives any randomness the selector uses.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public func makeSelector(
        weights: [Int], lock: LockKind = .default, seed: UInt64 = 0
    ) throws(SelectorConfigurationError) -> any ServerSelector {
        try withSelectorType(lock: lock, ExistentialBuilder(weights: weights, seed: seed))
    }
}

/// What a kind promises about its picks (`SelectorKind.category`).
public enum SelectorCategory: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Not least connections at all: never looks at the counts (round robin).
    case baseline
    /// Every pick has minimal score `active / weight` at the moment it is made, ties broken
    /// by `ReferenceLeastConnections`' rule: checked against that model.
    case exact
    /// Least connections, but a pick may miss the minimum by a documented margin.
    case approximate

    public var description: String { rawValue }
}

/// A generic body that `SelectorKind.withSelectorType(lock:_:)` runs with a kind's concrete
/// selector type, so that the body is compiled (specialized) once per selector.
///
/// `visit` gets a builder of fresh selectors of that type (`weights`, `seed`); it may build as
/// many as it needs (the simulator builds one per balancer), and keep it to build later (a
/// benchmark builds its selector when it runs).
public protocol SelectorVisitor {
    associatedtype Output
    associatedtype Failure: Error

    /// The body, for one concrete selector type.
    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) throws(Failure) -> Output
}

/// `SelectorKind.makeSelector`'s visitor: builds one selector and hands it out as an existential.
private struct ExistentialBuilder: SelectorVisitor {
    let weights: [Int]
    let seed: UInt64

    func visit<Selector: ServerSelector>(
        _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
    ) throws(SelectorConfigurationError) -> any ServerSelector {
        try makeSelector(weights, seed)
    }
}
