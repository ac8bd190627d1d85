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
            "lock + indexed 4-ary min-heap of (score, virtual time, stamp) with a position map; exact, O(log n) (Finagle, APISIX)"
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

    /// Whether every pick has minimal score at the moment it is made.
    public var isExact: Bool {
        switch self {
        case .roundRobin: RoundRobinPolicy.isExact
        case .linearScan: LinearScanPolicy.isExact
        case .minHeap: MinHeapPolicy.isExact
        case .buckets: BucketsPolicy.isExact
        case .atomicScan, .sharded: false
        case .p2c: P2CPolicy.isExact
        case .partitioned: false
        }
    }

    /// Whether the selector runs a policy behind a lock (so `LockKind` matters).
    public var usesLock: Bool {
        switch self {
        case .linearScan, .minHeap, .buckets: true
        case .roundRobin, .atomicScan, .sharded, .p2c, .partitioned: false
        }
    }

    /// Builds a selector of this kind for `weights.count` servers.
    ///
    /// - Parameters:
    ///   - lock: the lock for lock-based kinds; ignored by lock-free ones.
    ///   - seed: drives any randomness the selector uses.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public func makeSelector(
        weights: [Int], lock: LockKind = .default, seed: UInt64 = 0
    ) throws(SelectorConfigurationError) -> any ServerSelector {
        switch self {
        case .roundRobin: try RoundRobinSelector(weights: weights)
        case .linearScan: try Self.locked(LinearScanPolicy.self, weights: weights, lock: lock, seed: seed)
        case .minHeap: try Self.locked(MinHeapPolicy.self, weights: weights, lock: lock, seed: seed)
        case .buckets: try Self.locked(BucketsPolicy.self, weights: weights, lock: lock, seed: seed)
        case .atomicScan: try AtomicScanSelector(weights: weights)
        case .sharded: try ShardedSelector(weights: weights)
        case .p2c: try P2CSelector(weights: weights, seed: seed)
        case .partitioned: try PartitionedSelector(weights: weights, seed: seed)
        }
    }

    private static func locked<Policy: SelectionPolicy>(
        _ policy: Policy.Type, weights: [Int], lock: LockKind, seed: UInt64
    ) throws(SelectorConfigurationError) -> any ServerSelector {
        switch lock {
        case .mutex: try LockedSelector<Policy, BlockingLock>(weights: weights, seed: seed)
        case .spin: try LockedSelector<Policy, SpinLock>(weights: weights, seed: seed)
        case .combining: try CombiningSelector<Policy>(weights: weights, seed: seed)
        }
    }
}
