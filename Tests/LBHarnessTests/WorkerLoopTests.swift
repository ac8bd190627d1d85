import Foundation
@testable import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

/// The worker loop's contracts, each on a selector built to show one of them: what it counts,
/// in which order it releases, which call a latency is put on, and which workers count as
/// running at once. (The seventh mutation sweep found each unchecked; docs/mutation-sweeps.md.)
@Suite("Worker loop")
struct WorkerLoopTests {
    private static func linearScan() throws -> any ServerSelector {
        try SelectorKind.linearScan.makeSelector(weights: [1, 1, 1, 1])
    }

    /// Every nil answer is one unserved pick, in the fills and in the measured part, on every
    /// worker; the connection whose server got no successor is dropped, never released twice; and
    /// every served connection comes back exactly once (the harness hands back what workers hold).
    @Test("a selector's nil answers: each counted once, and every served connection released exactly once")
    func refusedPicks() throws {
        let selector = RefusingSelector(wrapping: try Self.linearScan(), refusingEvery: 7)
        let result = Harness.run(HarnessTests.cell(threads: 2, concurrency: 16, picks: 1_000), on: selector)
        let books = selector.counted
        #expect(books.refused >= 3, "2 in the fills (16 picks), some in the measured part: \(books)")
        #expect(result.unservedPicks == books.refused, "\(books)")
        #expect(books.released == books.served, "\(books)")
        #expect(books.releasedWithoutConnection == 0, "\(books)")
        #expect(result.leakedConnections == 0)
    }

    /// `uniform` lasts exactly 10 ms: each new connection finishes 10 ms (of virtual time) after
    /// the one it replaced, so once the fills are gone the loop releases connections in the order
    /// it picked them, each `concurrency` steps later.
    @Test("constant durations: releases follow picks, first in first out, concurrency steps later")
    func constantDurationsAreFirstInFirstOut() throws {
        let concurrency = 8
        let selector = RecordingSelector(wrapping: try Self.linearScan())
        let result = Harness.run(HarnessTests.cell(threads: 1, concurrency: concurrency, picks: 200), on: selector)
        #expect(result.picks == 200)
        let events = selector.events
        let picks = events.compactMap { if case let .picked(server) = $0 { server } else { nil } }
        let releases = events.compactMap { if case let .released(server) = $0 { server } else { nil } }
        // Picks: the fills, then one per step; releases: one per step, then the hand-back.
        #expect(picks.count == concurrency + 200 && releases.count == concurrency + 200)
        // Step j (j ≥ concurrency) releases the connection picked at step j − concurrency, which
        // is pick number j of all (the fills come first).
        let measuredReleases = releases[concurrency..<200]
        let pickedThen = picks[concurrency..<200]
        #expect(Array(measuredReleases) == Array(pickedThen))
    }

    /// Worker 0 samples once before its first claim, then every `loadSampleInterval` of its steps:
    /// 1 + (steps − 1) ÷ interval samples.
    @Test("load samples: one before the first step, then one every interval steps", arguments: [
        (picks: 10, interval: 5, samples: 2), (picks: 11, interval: 5, samples: 3),
        (picks: 1, interval: 5, samples: 1), (picks: 7, interval: 1, samples: 7),
    ])
    func loadSampleCount(picks: Int, interval: Int, samples: Int) throws {
        var cell = HarnessTests.cell(threads: 1, concurrency: 4, picks: picks)
        cell.loadSampleInterval = interval
        let result = try Harness.run(cell)
        #expect(result.loadSamples == samples)
    }

    /// A release that sleeps 2 ms shows in the release latency only, a pick that sleeps in the
    /// pick latency only. (The lower bounds are certain; each upper bound would need most of 50
    /// sub-microsecond calls to be descheduled for 2 ms.)
    @Test("a slow release is the release's latency, a slow pick the pick's")
    func latencyAttribution() throws {
        let sleep = 0.002
        let floor = UInt64(sleep * 1e9)
        let cell = HarnessTests.cell(threads: 1, concurrency: 4, picks: 50)
        let slowRelease = Harness.run(cell, on: SleepingSelector(wrapping: try Self.linearScan(), pickSleep: 0, releaseSleep: sleep))
        #expect(slowRelease.releaseLatencyNs.p50 >= floor)
        #expect(slowRelease.pickLatencyNs.p50 < floor, "\(slowRelease.pickLatencyNs.p50) ns")
        let slowPick = Harness.run(cell, on: SleepingSelector(wrapping: try Self.linearScan(), pickSleep: sleep, releaseSleep: 0))
        #expect(slowPick.pickLatencyNs.p50 >= floor)
        #expect(slowPick.releaseLatencyNs.p50 < floor, "\(slowPick.releaseLatencyNs.p50) ns")
    }

    @Test("contention is counted over the measured part: one counted retry per measured pick")
    func contentionOverTheMeasuredPart() throws {
        let selector = PickCountingContention(wrapping: try Self.linearScan())
        let result = Harness.run(HarnessTests.cell(threads: 2, concurrency: 16, picks: 2_000), on: selector)
        #expect(result.contention.casRetriesPerPick == 1)
    }

    @Test("leaks are counted by magnitude: +1 on one server and −1 on another are two")
    func leaksByMagnitude() throws {
        let result = Harness.run(HarnessTests.cell(threads: 1, picks: 100), on: OffsettingCounts(wrapping: try Self.linearScan()))
        #expect(result.leakedConnections == 2)
    }

    /// Worker 0 starts its measured loop only after worker 1 has left its own (the selector waits
    /// on the harness's overlap counter, not on a clock): the two never ran at once, so the run
    /// must say 1.
    @Test("workers that ran one after the other are not counted as overlapping")
    func sequentialWorkersDoNotOverlap() throws {
        var cell = HarnessTests.cell(threads: 2, concurrency: 4)
        cell.length = .seconds(0.02)
        try cell.validate()
        let coordination = WorkerCoordination(workers: 2, length: cell.length)
        let overlap = coordination.overlap
        let fills = cell.concurrency
        // Worker 1 has made a measured pick (so it entered its loop) and has left it.
        let selector = HeldFirstSnapshot(wrapping: try Self.linearScan(), giveUpSeconds: 10) { picks in
            picks > fills && overlap.current == 0
        }
        let result = Harness.measure(cell, on: selector, coordination: coordination)
        #expect(result.picks > 0)
        #expect(result.workersOverlapped == 1)
    }
}
