import LBRandom
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
///
/// The benchmark's pick + release rows see only a fresh selector's first 1,000 pairs with one
/// connection in flight; the `underLoad` cases check a steady state under load, as the
/// benchmark's `.steady` rows do by counting mallocs (those also reach the lock-free selectors
/// and `CombiningSelector`, whose raw-pointer storage `ownedHeapBytes` cannot see; the
/// Contention suite's rows count them with two threads at work on one selector).
@Suite("Picks and releases grow nothing")
struct PickGrowthTests {
    static var policies: [any SelectionPolicy.Type] {
        [RoundRobinPolicy.self, LinearScanPolicy.self, MinHeapPolicy.self, BucketsPolicy.self, P2CPolicy.self]
    }

    @Test("picks and releases leave a policy's heap storage as it was: fresh, and in a steady state under load",
          arguments: [1, 2, 8, 64], [false, true])
    func noGrowth(servers: Int, underLoad: Bool) throws {
        for policyType in Self.policies {
            for weights in [Array(repeating: 1, count: servers), (0..<servers).map { $0 % 4 + 1 }] {
                if underLoad {
                    try Self.expectNoGrowthUnderLoad(policyType, weights: weights)
                } else {
                    try Self.expectNoGrowth(policyType, weights: weights)
                }
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

    /// A proxy's steady state: up to `peak` connections in flight, picked and released in a
    /// random order for 10,000 steps. Growth while the farm first reaches a count is allowed
    /// (`buckets` adds a bucket per new count), so the policy is first taken to twice the peak
    /// and back to idle: with at most `peak` in flight an exact policy never takes a server
    /// past the counts it held then (its pick goes to a minimal score); `round-robin` and `p2c`
    /// keep their counts in arrays sized at `init`, whatever the counts reach.
    static func expectNoGrowthUnderLoad<Policy: SelectionPolicy>(_ type: Policy.Type, weights: [Int]) throws {
        var policy = try Policy(weights: weights, seed: 1)
        let peak = weights.count * 4
        var held: [ServerID] = []
        func pick() -> Bool {
            guard let server = policy.pick() else {
                Issue.record("\(Policy.self) picked nothing: no server is drained here")
                return false
            }
            held.append(server)
            return true
        }
        for _ in 0..<(2 * peak) {
            guard pick() else { return }
        }
        while let server = held.popLast() { policy.release(server) }
        let owned = ownedHeapBytes(policy)
        var random = SplitMix64(seed: UInt64(weights.count))
        for _ in 0..<10_000 {
            if held.count == peak || (!held.isEmpty && random.next() & 1 == 0) {
                let index = Int(random.next() % UInt64(held.count))
                held.swapAt(index, held.count - 1)
                policy.release(held.removeLast())
            } else if !pick() {
                return
            }
        }
        while let server = held.popLast() { policy.release(server) }
        #expect(ownedHeapBytes(policy) == owned, "\(Policy.self), weights \(weights.prefix(4))…, \(weights.count) servers")
    }
}
