@testable import LoadBalancing
import Testing

/// The per-server byte counts the exact lock-based policies document, which must stay under
/// 64 bytes per server.
@Suite("Per-server memory")
struct PolicyMemoryTests {
    @Test("linear-scan: a 16-byte record, 8 bytes of virtual time and a 4-byte weight class per server")
    func linearScan() {
        #expect(MemoryLayout<LinearScanPolicy.Server>.stride == 16)
        #expect(MemoryLayout<LinearScanPolicy.Server>.stride + MemoryLayout<UInt64>.stride + MemoryLayout<Int32>.stride == 28)
    }

    @Test("min-heap: a 32-byte node, a 4-byte position and a 4-byte weight class per server")
    func minHeap() {
        #expect(MemoryLayout<IndexedHeap.Node>.stride == 32)
        #expect(MemoryLayout<IndexedHeap.Node>.stride + 2 * MemoryLayout<Int32>.stride == 40)
    }

    @Test("buckets: a 32-byte node per server; a bucket is a 32-byte sentinel and a 4-byte index; a class 40 bytes")
    func buckets() throws {
        #expect(MemoryLayout<BucketsPolicy.Node>.stride == 32)
        #expect(MemoryLayout<WeightClass>.stride == 40)
        // 1,000 equal servers, one connection each at most: 1,000 server nodes, two sentinels.
        var policy = try BucketsPolicy(weights: Array(repeating: 1, count: 1_000))
        for _ in 0..<1_000 { _ = policy.pick() }
        #expect(policy.nodes.count == 1_002)
    }
}
