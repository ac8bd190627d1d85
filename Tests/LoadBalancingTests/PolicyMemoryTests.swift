@testable import LoadBalancing
import Testing

/// The per-server byte counts the exact lock-based policies document, which must stay under
/// 64 bytes per server.
@Suite("Per-server memory")
struct PolicyMemoryTests {
    @Test("min-heap: a 24-byte node and a 4-byte position per server")
    func minHeap() {
        #expect(MemoryLayout<IndexedHeap.Node>.stride == 24)
        #expect(MemoryLayout<IndexedHeap.Node>.stride + MemoryLayout<Int32>.stride == 28)
    }

    @Test("buckets: a 24-byte node per server; a bucket is a 24-byte sentinel and a 4-byte index")
    func buckets() throws {
        #expect(MemoryLayout<BucketsPolicy.Node>.stride == 24)
        #expect(MemoryLayout<WeightClass>.stride == 24)
        // 1,000 equal servers, one connection each at most: 1,000 server nodes, two sentinels.
        var policy = try BucketsPolicy(weights: Array(repeating: 1, count: 1_000))
        for _ in 0..<1_000 { _ = policy.pick() }
        #expect(policy.nodes.count == 1_002)
    }
}
