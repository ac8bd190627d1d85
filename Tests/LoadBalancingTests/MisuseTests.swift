import LoadBalancing
import Testing

@Suite("Bad input and misuse")
struct MisuseTests {
    @Test("bad weights throw errors that say what is wrong", arguments: SelectorKind.allCases)
    func badWeights(kind: SelectorKind) {
        #expect(throws: SelectorConfigurationError.noServers) { try kind.makeSelector(weights: []) }
        #expect(throws: SelectorConfigurationError.negativeWeight(server: 1, weight: -2)) {
            try kind.makeSelector(weights: [1, -2, 3])
        }
        #expect(throws: SelectorConfigurationError.allServersDrained) { try kind.makeSelector(weights: [0, 0]) }
        #expect(throws: SelectorConfigurationError.weightTooLarge(server: 0, weight: 1 << 40)) {
            try kind.makeSelector(weights: [1 << 40])
        }
        #expect(SelectorConfigurationError.negativeWeight(server: 1, weight: -2).description.contains("server 1"))
    }

    @Test("setWeight rejects unknown servers and bad weights", arguments: SelectorKind.allCases)
    func badSetWeight(kind: SelectorKind) throws {
        let selector = try kind.makeSelector(weights: [1, 1])
        #expect(throws: SelectorConfigurationError.unknownServer(server: 2, serverCount: 2)) {
            try selector.setWeight(1, for: ServerID(2))
        }
        #expect(throws: SelectorConfigurationError.negativeWeight(server: 0, weight: -1)) {
            try selector.setWeight(-1, for: ServerID(0))
        }
        #expect(selector.weights() == [1, 1])
    }

    @Test("draining: no new picks, existing connections still release", arguments: SelectorKind.allCases)
    func drain(kind: SelectorKind) throws {
        let selector = try kind.makeSelector(weights: [1, 1, 1], seed: 3)
        let held = (0..<6).compactMap { _ in selector.pick() }
        try selector.setWeight(0, for: ServerID(1))
        for _ in 0..<50 { selector.withConnection { server in #expect(server != ServerID(1)) } }
        for server in held { selector.release(server) }
        #expect(selector.activeConnections() == [0, 0, 0])
        try selector.setWeight(0, for: ServerID(0))
        try selector.setWeight(0, for: ServerID(2))
        #expect(selector.pick() == nil)
        #expect(selector.withConnection { _ in 1 } == nil)
        try selector.setWeight(2, for: ServerID(2))
        #expect(selector.pick() == ServerID(2))
    }

    @Test("withConnection releases when the body throws", arguments: SelectorKind.allCases)
    func scopedReleaseOnThrow(kind: SelectorKind) throws {
        struct Failure: Error {}
        let selector = try kind.makeSelector(weights: [1, 2])
        #expect(throws: Failure.self) { try selector.withConnection { _ in throw Failure() } }
        #expect(selector.activeConnections() == [0, 0])
    }

    @Test("releasing a server with no active connection stops the process", arguments: SelectorKind.allCases)
    func doubleRelease(kind: SelectorKind) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [kind] in
            let selector = try! kind.makeSelector(weights: [1, 1])
            let server = selector.pick()!
            selector.release(server)
            selector.release(server)
        }
        expectStopped(result, saying: "but it has no active connection (released twice, or never picked)")
    }

    /// `partitioned`'s shards number their servers locally (server 17 of 32 is shard 1's
    /// server 1): the message must name the server the caller released.
    @Test("partitioned: a double release names the caller's server, not the shard's local one")
    func partitionedDoubleReleaseNamesTheServer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let selector = try! SelectorKind.partitioned.makeSelector(weights: Array(repeating: 1, count: 32))
            selector.assign(ServerID(17))
            selector.release(ServerID(17))
            selector.release(ServerID(17))
        }
        expectStopped(result, saying: "release(server 17) but it has no active connection")
    }

    /// `buckets` keeps its bucket sentinels after its servers in one array, so server 2 of 2
    /// read a sentinel's count and class instead of stopping.
    @Test("asking a policy about an unknown server stops the process", arguments: SelectionPolicyName.allCases)
    func unknownServerQuery(policy: SelectionPolicyName) async {
        let count = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [policy] in
            queryServerTwo(of: policy, weight: false)
        }
        expectStopped(count, saying: "activeConnections(server 2) but servers are numbered 0..<2")
        let weight = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [policy] in
            queryServerTwo(of: policy, weight: true)
        }
        expectStopped(weight, saying: "weight(server 2) but servers are numbered 0..<2")
    }

    @Test("releasing an unknown server stops the process", arguments: SelectorKind.allCases)
    func unknownRelease(kind: SelectorKind) async {
        let tooLarge = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [kind] in
            let selector = try! kind.makeSelector(weights: [1, 1])
            selector.release(ServerID(5))
        }
        expectStopped(tooLarge, saying: "release(server 5) but servers are numbered 0..<2")
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [kind] in
            let selector = try! kind.makeSelector(weights: [1, 1])
            selector.release(ServerID(-1))
        }
        expectStopped(negative, saying: "release(server -1) but servers are numbered 0..<2")
    }
}

/// Asks a policy of two servers, named as `SelectionPolicyName` names it, for server 2's active
/// connections (or its weight): out of range. For exit tests, which capture only codable values.
func queryServerTwo(of policy: SelectionPolicyName, weight: Bool) {
    func query<Policy: SelectionPolicy>(_: Policy.Type) {
        let policy = try! Policy(weights: [1, 1], seed: 0)
        _ = weight ? policy.weight(of: ServerID(2)) : policy.activeConnections(of: ServerID(2))
    }
    switch policy {
    case .roundRobin: query(RoundRobinPolicy.self)
    case .linearScan: query(LinearScanPolicy.self)
    case .minHeap: query(MinHeapPolicy.self)
    case .buckets: query(BucketsPolicy.self)
    case .p2c: query(P2CPolicy.self)
    case .reference: query(ReferenceLeastConnections.self)
    }
}

/// Every `SelectionPolicy`, by a name an exit test can capture.
enum SelectionPolicyName: String, Codable, CaseIterable, Sendable {
    case roundRobin, linearScan, minHeap, buckets, p2c, reference
}

/// Checks that an exit test stopped with the selector's own message (`SelectorMisuse`), so
/// that a crash elsewhere (a `try!` or `!` in its setup) does not pass for the check.
func expectStopped(_ result: ExitTest.Result?, saying message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    // nil: the exit test did not end as expected, which `#expect` has recorded.
    guard let result else { return }
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(standardError.contains("LoadBalancing: ") && standardError.contains(message), "\(standardError)", sourceLocation: sourceLocation)
}
