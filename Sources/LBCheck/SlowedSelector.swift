import LoadBalancing

/// A selector whose pick first walks a chain of one link per server, `walks` times, then
/// delegates: the base selector made O(n × walks) per pick, for showing that `lbbench check`
/// catches such a regression (`InjectedRegression`).
///
/// The walk follows a chain (`next[i]`), so each step waits for the previous load: the
/// compiler cannot vectorise or remove it, and it costs about one L1 or L2 latency per server,
/// as a real scan would.
///
/// - Complexity: pick O(servers × walks); every other operation as the base selector's.
/// - Note: Thread-safe: the chain is immutable and every call is the base selector's.
final class SlowedSelector: ServerSelector {
    private let base: any ServerSelector
    private let next: [Int32]
    private let steps: Int

    init(_ base: any ServerSelector, walks: Int) {
        precondition(walks > 0, "a slowed selector walks at least once")
        self.base = base
        let servers = base.serverCount
        next = (0..<servers).map { Int32(($0 + 1) % servers) }
        steps = servers * walks
    }

    var serverCount: Int { base.serverCount }

    func pick() -> ServerID? {
        var link = 0
        for _ in 0..<steps { link = Int(next[link]) }
        // The chain's values are only known at run time, so this keeps the walk.
        precondition(link >= 0, "the chain holds indices")
        return base.pick()
    }

    func release(_ server: ServerID) { base.release(server) }

    func assign(_ server: ServerID) { base.assign(server) }

    func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try base.setWeight(weight, for: server)
    }

    func activeConnections() -> [Int] { base.activeConnections() }

    func weights() -> [Int] { base.weights() }

    func contentionStatistics() -> ContentionStatistics { base.contentionStatistics() }
}
