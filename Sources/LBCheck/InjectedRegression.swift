import LoadBalancing

/// A regression `lbbench check` can be made to measure on purpose, to show that its timing
/// claims catch it (`lbbench check --inject-regression`, hidden; `scripts/check-false-failures.sh
/// --inject`). The library is untouched: the named kind's selectors are wrapped in a
/// `SlowedSelector` wherever the check builds them (cost probe and harness cells).
public enum InjectedRegression: String, CaseIterable, Sendable {
    /// p2c's pick also walks every server: O(n). Claim 2b must fail.
    case p2cScan = "p2c-scan"
    /// buckets' pick also walks every server: O(n). Claims 2a and 2c must fail.
    case bucketsScan = "buckets-scan"
    /// min-heap's pick also walks every server: O(n), a linear scan. Claim 2d must fail.
    case minHeapScan = "min-heap-scan"
    /// round robin's pick walks its servers 8 times (512 steps at 64 servers, about 2 µs: some
    /// 50× its pick). Claim 4's first part must fail.
    case roundRobinSlow = "round-robin-slow"

    /// The kind this regression slows.
    public var kind: SelectorKind {
        switch self {
        case .p2cScan: .p2c
        case .bucketsScan: .buckets
        case .minHeapScan: .minHeap
        case .roundRobinSlow: .roundRobin
        }
    }

    /// How many times each pick walks the servers.
    var passes: Int { self == .roundRobinSlow ? 8 : 1 }

    /// The claims this regression must make fail.
    public var claimIDs: [String] {
        switch self {
        case .p2cScan: ["2b"]
        case .bucketsScan: ["2a", "2c"]
        case .minHeapScan: ["2d"]
        case .roundRobinSlow: ["4"]
        }
    }
}

extension Set<InjectedRegression> {
    /// How many times a pick of `kind` walks its servers: the passes of the regression in the
    /// set that targets `kind`, or `nil` if none does. The one place the check decides whether
    /// and how hard a selector is slowed (`ProjectClaims.cells`, `CostProbe.measure`).
    ///
    /// - Complexity: O(count).
    func walks(for kind: SelectorKind) -> Int? {
        first { $0.kind == kind }?.passes
    }
}
