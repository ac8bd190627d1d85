@testable import LoadBalancing
import Testing

/// The per-server memory the exact lock-based policies document (which must stay under 64
/// bytes per server), measured on real policies: the heap bytes a policy owns, found by
/// walking its stored properties (`ownedHeapBytes`), not by naming the arrays it has today, so
/// a new per-server array, a wider record or an over-allocated array fails here.
@Suite("Per-server memory")
struct PolicyMemoryTests {
    /// Bytes per server: what a policy over 2,000 servers owns beyond one over 1,000 (equal
    /// weights, so per-weight and fixed costs cancel), divided by the 1,000 extra servers.
    static func bytesPerServer<Policy: SelectionPolicy>(_ policy: Policy.Type, connectionsEach: Int = 0) throws -> Double {
        func owned(servers: Int) throws -> Int {
            var policy = try Policy(weights: Array(repeating: 1, count: servers), seed: 0)
            for _ in 0..<(servers * connectionsEach) { _ = policy.pick() }
            return ownedHeapBytes(policy)
        }
        return Double(try owned(servers: 2_000) - owned(servers: 1_000)) / 1_000
    }

    @Test("linear-scan: 32 bytes per server (a 24-byte record with virtual time, a 4-byte slot, a 4-byte class)")
    func linearScan() throws {
        #expect(MemoryLayout<LinearScanPolicy.Record>.stride == 24)
        let measured = try Self.bytesPerServer(LinearScanPolicy.self)
        #expect(abs(measured - 32) < 0.5, "measured \(measured) bytes per server")
    }

    @Test("linear-scan with ranks (small farms of several weights): 36 bytes per server (a 32-byte rank, a 4-byte class)")
    func linearScanRanked() throws {
        #expect(MemoryLayout<RankedScan.Rank>.stride == 32)
        func owned(servers: Int) throws -> Int {
            let policy = try LinearScanPolicy(weights: (0..<servers).map { $0 % 4 + 1 })
            #expect(policy.usesRanks)
            return ownedHeapBytes(policy)
        }
        let measured = Double(try owned(servers: RankedScan.farmLimit) - owned(servers: RankedScan.farmLimit / 2))
            / Double(RankedScan.farmLimit / 2)
        #expect(abs(measured - 36) < 0.5, "measured \(measured) bytes per server")
    }

    @Test("min-heap: 32 bytes per server (a 24-byte node, a 4-byte position, a 4-byte weight class)")
    func minHeap() throws {
        #expect(MemoryLayout<ClassHeaps.Node>.stride == 24)
        let measured = try Self.bytesPerServer(MinHeapPolicy.self)
        #expect(abs(measured - 32) < 0.5, "measured \(measured) bytes per server")
    }

    @Test("buckets: 32 bytes per server (a node), buckets apart", arguments: [0, 1, 3])
    func buckets(connectionsEach: Int) throws {
        #expect(MemoryLayout<BucketsPolicy.Node>.stride == 32)
        #expect(MemoryLayout<WeightClass>.stride == 48)
        let measured = try Self.bytesPerServer(BucketsPolicy.self, connectionsEach: connectionsEach)
        #expect(abs(measured - 32) < 0.5, "measured \(measured) bytes per server")
    }

    /// The documented bound on `min-heap`'s class heaps after weight changes, 4 × (m + W) node
    /// slots (`ClassHeaps`), under the churn that broke it: n servers of weight 1, then for
    /// k = 2 … W every server still in the newest class but one moves to weight k. Each class
    /// keeps one member; its region used to keep all the room it grew to (at n = 1,000 and
    /// W = 60 the nodes reached 121,596 slots, 2.8 MiB, where the bound is 4,240). Measured
    /// after every `setWeight`, at n = 200 and W = 30 (debug builds check the heaps after
    /// each operation, O(n log n)).
    @Test("min-heap: weight changes keep the class heaps within 4 × (m + W) node slots")
    func minHeapAfterWeightChurn() throws {
        let (servers, weights) = (200, 30)
        var policy = try MinHeapPolicy(weights: Array(repeating: 1, count: servers))
        var newest = Array(0..<servers)
        var (mostSlots, mostStorage, mostClasses) = (0, 0, 1)
        for weight in 2...weights {
            newest.removeFirst()  // left behind: its class keeps one member
            for server in newest {
                try policy.setWeight(weight, for: ServerID(server))
                mostSlots = max(mostSlots, policy.heaps.nodes.count)
                mostStorage = max(mostStorage, policy.heaps.nodes.capacity)
                mostClasses = max(mostClasses, policy.heaps.regions.count { $0.count > 0 })
            }
        }
        #expect(policy.heaps.regions.count { $0.count > 0 } == weights)
        let bound = 4 * (servers + mostClasses)
        #expect(mostSlots <= bound, "\(mostSlots) node slots, bound \(bound)")
        #expect(mostStorage <= 2 * bound, "storage for \(mostStorage) nodes, bound \(2 * bound)")
        #expect(policy._invariantViolation() == nil)
    }

    /// The documented total for equal weights and at most `c` connections on a server:
    /// 32·n + 36·(c + 1) + 94 bytes (a 48-byte class record and the 8-byte reference to its
    /// sentinels), plus at most 512 bytes of spare node room.
    @Test("buckets: under a kilobyte beyond the server nodes, as documented", arguments: [1, 3])
    func bucketsTotal(connectionsEach: Int) throws {
        var policy = try BucketsPolicy(weights: Array(repeating: 1, count: 1_000))
        for _ in 0..<(1_000 * connectionsEach) { _ = policy.pick() }
        let beyondNodes = ownedHeapBytes(policy) - 32 * 1_000
        #expect(beyondNodes <= 36 * (connectionsEach + 1) + 94 + 512, "\(beyondNodes) bytes beyond the server nodes")
    }
}

/// The heap bytes `value` owns through its stored properties, recursively: each array's
/// capacity × its element's stride (plus what the elements own), each dictionary's capacity ×
/// its entry's size, each `PolicyArray`'s capacity likewise. A policy's only other class
/// reference is its `PolicyStorageOwner`, which owns nothing.
func ownedHeapBytes(_ value: Any) -> Int {
    if let storage = value as? any OwnsHeapStorage { return storage.ownedBytes }
    return Mirror(reflecting: value).children.reduce(0) { $0 + ownedHeapBytes($1.value) }
}

protocol OwnsHeapStorage {
    var ownedBytes: Int { get }
}

extension Array: OwnsHeapStorage {
    var ownedBytes: Int {
        let elements = _isPOD(Element.self) ? 0 : reduce(0) { $0 + ownedHeapBytes($1) }
        return capacity * MemoryLayout<Element>.stride + elements
    }
}

extension Dictionary: OwnsHeapStorage {
    var ownedBytes: Int { capacity * (MemoryLayout<Key>.stride + MemoryLayout<Value>.stride) }
}

extension PolicyArray: OwnsHeapStorage {
    var ownedBytes: Int {
        let elements = _isPOD(Element.self) ? 0 : array.reduce(0) { $0 + ownedHeapBytes($1) }
        return capacity * MemoryLayout<Element>.stride + elements
    }
}
