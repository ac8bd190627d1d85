import Foundation
import LBHarness
import Testing
@testable import LoadBalancing

/// Herding in `sharded`, made deterministic on any number of cores: a test hook holds every
/// thread between its scan and its claim until all have scanned, which is what truly parallel
/// threads do on a many-core machine. Every thread then saw the same idle servers; a selector
/// that herds adds all their connections to one server.
@Suite("sharded: no herding")
struct ShardedHerdingTests {
    /// `threads` threads pick once each, all scans done before the first claim.
    static func picksAfterCommonScan(threads: Int, servers: Int) throws -> [Int] {
        let scanned = StartGate(parties: threads)
        let firstScan = FirstCallPerThread()
        let selector = try ShardedSelector(
            weights: Array(repeating: 1, count: servers), stripes: 8,
            afterScan: { _ in if firstScan.isFirst() { scanned.arriveAndWaitForEveryone() } })
        runConcurrently(threads: threads) { _ in _ = selector.pick() }
        return selector.activeConnections()
    }

    @Test("threads that all scanned before claiming spread over distinct servers", arguments: [2, 4])
    func distinctServersAfterCommonScan(threads: Int) throws {
        let counts = try Self.picksAfterCommonScan(threads: threads, servers: 8)
        #expect(counts.reduce(0, +) == threads)
        #expect(counts.max() == 1, "herded: \(counts)")
    }
}

/// Tells each thread whether this is its first call (a thread-local flag per instance).
final class FirstCallPerThread: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<ObjectIdentifier> = []

    func isFirst() -> Bool {
        let thread = ObjectIdentifier(Thread.current)
        lock.lock()
        defer { lock.unlock() }
        return seen.insert(thread).inserted
    }
}

@Suite("sharded: ties honour weights")
struct ShardedTieTests {
    @Test("one connection at a time: picks split in proportion to the weights")
    func lightLoadSharesFollowWeights() throws {
        let weights = [3, 1, 2, 0, 4]
        let selector = try ShardedSelector(weights: weights)
        var picks = Array(repeating: 0, count: weights.count)
        for _ in 0..<1_000 {
            selector.withConnection { server in picks[server.index] += 1 }
        }
        let total = weights.reduce(0, +)
        for (server, weight) in weights.enumerated() {
            #expect(abs(picks[server] - 1_000 * weight / total) <= 1, "\(picks)")
        }
    }

    @Test("an undrained server rejoins the rotation instead of taking a run of picks")
    func undrainedServerRejoins() throws {
        let selector = try ShardedSelector(weights: [1, 1, 0])
        for _ in 0..<100 { selector.withConnection { _ in } }
        try selector.setWeight(1, for: ServerID(2))
        var picks = [0, 0, 0]
        for _ in 0..<30 { selector.withConnection { server in picks[server.index] += 1 } }
        #expect(picks.allSatisfy { abs($0 - 10) <= 1 }, "\(picks)")
    }

    /// Guards `assign`'s advance of the server's pass: an assigned connection is claimed as a
    /// pick's is, so once it is released the server goes behind its equals in the rotation
    /// (as the exact selectors' `assign` sends a server behind its equals). Without the advance
    /// the assigned server takes the next tie as if it had never been used (a mutant that
    /// left the pass alone survived the rest of the suite).
    @Test("an assigned server goes behind its equals, as after a pick")
    func assignAdvancesThePass() throws {
        let selector = try ShardedSelector(weights: [1, 1, 1])
        selector.assign(ServerID(0))
        selector.release(ServerID(0))
        var order: [Int] = []
        for _ in 0..<3 { selector.withConnection { server in order.append(server.index) } }
        #expect(order == [1, 2, 0])
    }
}
