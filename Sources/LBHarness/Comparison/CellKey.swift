import LBWorkloads
import LoadBalancing

/// What identifies a cell across runs, so `lbbench compare` can match a cell of one results
/// file with the same cell of another: everything that configures the cell, nothing it measured.
///
/// The seed and the length are left out: comparing one seed or length against another is a
/// legitimate question ("does the result depend on the seed?"), and the report states both sides'
/// lengths.
public struct CellKey: Hashable, Codable, Sendable {
    public var selector: SelectorKind
    /// The lock of a lock-based selector; `null` for lock-free ones.
    public var lock: LockKind?
    public var workload: Workload
    public var servers: Int
    public var threads: Int
    /// Connections in flight, all workers together.
    public var concurrency: Int
    public var weights: [Int]

    public init(_ run: RunResult) {
        selector = run.selector
        lock = run.lock
        workload = run.workload
        servers = run.servers
        threads = run.threads
        concurrency = run.concurrency
        weights = run.weights
    }

    /// `min-heap+mutex/uniform/servers:64/threads:2/concurrency:256`, and `/weights:2,1,1` when
    /// the weights are not all 1 (up to 8 listed; beyond that their count and sum).
    public var name: String {
        var text = RunResult.rowName(selector: selector, lock: lock, workload: workload, servers: servers, threads: threads)
            + "/concurrency:\(concurrency)"
        if weights.contains(where: { $0 != 1 }) {
            text += weights.count <= 8
                ? "/weights:" + weights.map(String.init).joined(separator: ",")
                : "/weights:\(weights.count)-sum-\(weights.reduce(0, +))"
        }
        return text
    }

    /// Writes `lock` as `null` for lock-free selectors, so every cell carries every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(selector, forKey: .selector)
        try container.encode(lock, forKey: .lock)
        try container.encode(workload, forKey: .workload)
        try container.encode(servers, forKey: .servers)
        try container.encode(threads, forKey: .threads)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(weights, forKey: .weights)
    }

    /// Whether `a` comes before `b` in a report: `RunResult.reportOrder`'s order of workload,
    /// selector, lock, servers and threads, then concurrency and weights.
    static func reportOrder(_ a: (key: CellKey, run: RunResult), _ b: (key: CellKey, run: RunResult)) -> Bool {
        if RunResult.reportOrder(a.run, b.run) { return true }
        if RunResult.reportOrder(b.run, a.run) { return false }
        if a.key.concurrency != b.key.concurrency { return a.key.concurrency < b.key.concurrency }
        return a.key.weights.lexicographicallyPrecedes(b.key.weights)
    }
}
