@testable import LoadBalancing
import Testing

/// The SingleThread benchmark rows time pick + release on a fresh selector and gate on 0
/// mallocs; this is the same promise checked in the unit tests, without the malloc
/// interposer: after `init`, picks and releases never grow what a policy owns
/// (`ownedHeapBytes`: every array's capacity, every dictionary's).
///
/// It guards what once made `partitioned`'s 8-server rows count 8 mallocs a sample: each of
/// its 8 shards is a one-server `buckets` policy whose node array, sized for the server and
/// bucket 0's sentinel, reallocated at the first pick to take bucket 1's sentinel.
@Suite("Picks and releases grow nothing")
struct PickGrowthTests {
    @Test("a fresh policy's picks and releases leave its heap storage as init sized it", arguments: [1, 2, 8, 64])
    func noGrowth(servers: Int) throws {
        let policies: [any SelectionPolicy.Type] = [
            RoundRobinPolicy.self, LinearScanPolicy.self, MinHeapPolicy.self, BucketsPolicy.self, P2CPolicy.self,
        ]
        for policyType in policies {
            for weights in [Array(repeating: 1, count: servers), (0..<servers).map { $0 % 4 + 1 }] {
                try Self.expectNoGrowth(policyType, weights: weights)
            }
        }
    }

    /// Runs the benchmark's loop, 1,000 pick + release pairs, on a fresh `Policy`.
    static func expectNoGrowth<Policy: SelectionPolicy>(_ type: Policy.Type, weights: [Int]) throws {
        var policy = try Policy(weights: weights, seed: 1)
        let owned = ownedHeapBytes(policy)
        for _ in 0..<1_000 {
            guard let server = policy.pick() else {
                Issue.record("\(Policy.self) picked nothing: no server is drained here")
                return
            }
            policy.release(server)
        }
        #expect(ownedHeapBytes(policy) == owned, "\(Policy.self), weights \(weights.prefix(4))…, \(weights.count) servers")
    }
}
