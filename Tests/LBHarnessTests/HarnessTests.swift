import Foundation
@testable import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

@Suite("Harness runs")
struct HarnessTests {
    static func cell(
        _ selector: SelectorKind = .linearScan, workload: Workload = .uniform, weights: [Int] = [1, 1, 1, 1],
        threads: Int = 1, concurrency: Int = 16, picks: Int = 20_000
    ) -> RunConfiguration {
        RunConfiguration(selector: selector, lock: nil, workload: workload, weights: weights, threads: threads,
                         concurrency: concurrency, length: .picks(picks), seed: 42)
    }

    @Test("every selector: exact pick count, nothing leaked, counts drain", arguments: SelectorKind.allCases)
    func drains(kind: SelectorKind) throws {
        let result = try Harness.run(Self.cell(kind, workload: .mixed, weights: [2, 1, 0, 1], threads: 2))
        #expect(result.picks == 20_000)
        #expect(result.leakedConnections == 0)
        #expect(result.unservedPicks == 0)
        #expect(result.perServer.picks.reduce(0, +) == 20_000)
        #expect(result.perServer.picks[2] == 0, "the drained server was picked")
        #expect(result.pickLatencyNs.p50 > 0 && result.pickLatencyNs.p50 <= result.pickLatencyNs.max)
        #expect(result.loadSamples > 0)
    }

    /// One thread is fully deterministic: the same seed gives the same picks per server.
    @Test("one thread is reproducible")
    func reproducible() throws {
        let first = try Harness.run(Self.cell(workload: .exponential))
        let second = try Harness.run(Self.cell(workload: .exponential))
        #expect(first.perServer == second.perServer)
        #expect(first.fairness == second.fairness)
    }

    @Test("a selector that forgets releases is caught")
    func leakDetected() throws {
        let weights = [1, 1, 1, 1]
        let leaky = LeakySelector(wrapping: try SelectorKind.linearScan.makeSelector(weights: weights), forgettingEvery: 1_000)
        let result = Harness.run(Self.cell(weights: weights, picks: 10_000), on: leaky)
        #expect(result.leakedConnections > 0)
        let document = ResultsDocument(machine: .current(), length: "test", runs: [result])
        #expect(document.leakedConnections == result.leakedConnections)
        #expect(document.problems.contains { $0.contains("LEAKED") })
        #expect(document.selectorFailed)
    }

    @Test("a selector failed (lbbench run exits 70) for one leaked connection or one unserved pick, not for a clean run or workers that did not overlap")
    func selectorFailure() {
        var clean = MadeUpResults.run(.p2c, threads: 2)
        #expect(!MadeUpResults.document([clean]).selectorFailed)
        clean.workersOverlapped = 1
        #expect(!MadeUpResults.document([clean]).selectorFailed && MadeUpResults.document([clean]).problems.count == 1)
        let leaked = MadeUpResults.run(.buckets, leaked: 1)
        #expect(MadeUpResults.document([clean, leaked]).selectorFailed)
        var unserved = MadeUpResults.run(.linearScan)
        unserved.unservedPicks = 1
        #expect(MadeUpResults.document([unserved, clean]).selectorFailed)
    }

    /// More workers than this machine's cores: the blocking gate must not deadlock, and every
    /// worker must be seen running at once.
    @Test("eight workers on two cores overlap and finish")
    func oversubscribed() throws {
        let result = try Harness.run(Self.cell(threads: 8, concurrency: 64, picks: 200_000))
        #expect(result.workersOverlapped == 8)
        // Eight busy threads cannot use more CPU than the machine has.
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        #expect(result.cpuParallelism > 0 && result.cpuParallelism <= cores * 1.05, "\(result.cpuParallelism)")
        #expect(result.picks == 200_000)
        #expect(result.leakedConnections == 0)
    }

    @Test("a run of fewer picks than a batch: only workers with picks count as overlapped, and the load is sampled")
    func tinyRun() throws {
        // One pick for four threads: exactly one worker can take part. Worker 0 samples the
        // load before it claims, so the figures rest on a sample even when it gets nothing.
        for _ in 0..<20 {
            let result = try Harness.run(Self.cell(threads: 4, concurrency: 16, picks: 1))
            #expect(result.picks == 1 && result.workersOverlapped == 1, "\(result.workersOverlapped) overlapped")
            #expect(result.loadSamples >= 1)
        }
    }

    /// Worker 1 makes every measured pick while worker 0 is held in its first load sample; worker
    /// 0 then finds the budget spent and must not count as taking part. Whether
    /// its clocks stay out of the window is checked on made-up clocks below: a wall-time bound
    /// here failed once under ThreadSanitizer in CI, worker 1 alone taking 1.33 s on a loaded
    /// machine.
    @Test("a worker that found the budget spent does not take part")
    func idleWorkerTakesNoPart() throws {
        let picks = 1_000
        let concurrency = 2
        let selector = HeldFirstSnapshot(
            wrapping: try SelectorKind.linearScan.makeSelector(weights: [1, 1, 1, 1])
        ) { $0 >= concurrency + picks }
        let result = Harness.run(Self.cell(threads: 2, concurrency: concurrency, picks: picks), on: selector)
        #expect(result.picks == picks && result.workersOverlapped == 1)
        #expect(result.seconds > 0)
        #expect(result.cpuParallelism <= 1.05, "\(result.cpuParallelism)")
        #expect(result.leakedConnections == 0)
    }

    /// A worker's outcome with clocks of the test's choosing, on two servers.
    static func madeUpOutcome(
        tookPart: Bool, start: UInt64, end: UInt64, cpu: UInt64, picks: Int,
        scheduling: ThreadSchedulingSample = .init(runQueueWaitNanoseconds: 0, voluntaryContextSwitches: 0, involuntaryContextSwitches: 0)
    ) -> WorkerOutcome {
        WorkerOutcome(
            pickLatency: LatencyHistogram(), releaseLatency: LatencyHistogram(), picksPerServer: [picks, 0],
            picks: picks, unservedPicks: 0, tookPart: tookPart, startNanoseconds: start, endNanoseconds: end,
            cpuNanoseconds: cpu, scheduling: scheduling, loadSamples: nil, held: [])
    }

    @Test("the window runs from the first start to the last end of the workers that took part")
    func windowSpansTheWorkers() {
        let configuration = Self.cell(weights: [1, 1], threads: 2, concurrency: 2, picks: 2_000)
        let outcomes = [
            Self.madeUpOutcome(tookPart: true, start: 1_000, end: 1_001_000, cpu: 1_000_000, picks: 1_000),
            Self.madeUpOutcome(tookPart: true, start: 501_000, end: 4_001_000, cpu: 3_000_000, picks: 1_000),
        ]
        let result = Harness.result(
            of: configuration, outcomes: outcomes, contention: (ContentionStatistics(), ContentionStatistics()),
            leaked: 0, overlapped: 2)
        #expect(result.seconds == 0.004, "\(result.seconds) s")
        #expect(result.cpuParallelism == 1, "\(result.cpuParallelism)")
    }

    /// The window is the span of the workers that took part: a worker that woke a second late
    /// and found the budget spent would stretch a 2 ms window to a second, and its CPU time
    /// would count against it.
    @Test("a worker that made no measured pick does not stretch the window")
    func idleWorkerLeavesTheWindow() throws {
        let configuration = Self.cell(weights: [1, 1], threads: 2, concurrency: 2, picks: 1_000)
        let outcomes = [
            Self.madeUpOutcome(tookPart: false, start: 1_000_000_000, end: 1_000_001_000, cpu: 1_000, picks: 0, scheduling: .init(
                runQueueWaitNanoseconds: 500_000_000, voluntaryContextSwitches: 7, involuntaryContextSwitches: 5)),
            Self.madeUpOutcome(tookPart: true, start: 1_000, end: 2_001_000, cpu: 1_500_000, picks: 1_000, scheduling: .init(
                runQueueWaitNanoseconds: 100_000, voluntaryContextSwitches: 3, involuntaryContextSwitches: 2)),
        ]
        let result = Harness.result(
            of: configuration, outcomes: outcomes, contention: (ContentionStatistics(), ContentionStatistics()),
            leaked: 0, overlapped: 1)
        #expect(result.seconds == 0.002, "\(result.seconds) s")
        #expect(result.picksPerSecond == 500_000)
        #expect(abs(result.cpuParallelism - 0.75) < 1e-12, "\(result.cpuParallelism)")
        #expect(result.picks == 1_000)
        // Its scheduler figures stay out too: 0.1 ms of run queue and 0.4 ms asleep in 2 ms.
        let scheduling = try #require(result.scheduling)
        #expect(scheduling.voluntaryContextSwitches == 3 && scheduling.involuntaryContextSwitches == 2)
        #expect(abs(scheduling.runQueueWait - 0.05) < 1e-12 && abs(scheduling.voluntarySleep - 0.2) < 1e-12, "\(scheduling)")
    }

    /// The CPU clock is read inside the wall clock's reads, so even a one-pick run cannot show
    /// more CPU than wall time (each clock read is a system call of 0.1–1 µs, longer than the pick).
    @Test("CPU parallelism never exceeds the thread count, even for one pick")
    func onePickParallelism() throws {
        for _ in 0..<20 {
            let result = try Harness.run(Self.cell(threads: 1, concurrency: 1, picks: 1))
            #expect(result.cpuParallelism <= 1.05, "\(result.cpuParallelism)")
        }
    }

    /// A hand-built cell is checked before any worker starts: each of these would trap (no
    /// worker, a deadline past `UInt64`), hang at the gate (more workers than Dispatch's pool
    /// has threads) or never sample the load.
    @Test("an invalid cell is refused before it runs")
    func invalidCellRefused() throws {
        var infinite = Self.cell()
        infinite.length = .seconds(.infinity)
        var neverSampled = Self.cell()
        neverSampled.loadSampleInterval = 0
        for (cell, option) in [(Self.cell(threads: 0), "--threads"), (infinite, "--seconds"),
                               (Self.cell(threads: 300, concurrency: 300), "--threads"),
                               (neverSampled, "load sample interval")] {
            let error = #expect(throws: RunConfigurationError.self) { try Harness.run(cell) }
            #expect(error?.description.hasPrefix(option) == true, "\(String(describing: error))")
        }
    }

    @Test("a short run in picks is shared by its workers: batches shrink to an eighth of a worker's share")
    func shortRunBatches() {
        #expect(WorkerLoop.batch(total: 1_000, threads: 2) == 62)
        #expect(WorkerLoop.batch(total: 20_000, threads: 32) == 78)
        #expect(WorkerLoop.batch(total: 1, threads: 4) == 1)
        #expect(WorkerLoop.batch(total: 1_000_000, threads: 2) == WorkerLoop.budgetBatch)
    }

    @Test("a run measured in seconds stops on time")
    func secondsLength() throws {
        var cell = Self.cell(threads: 2)
        cell.length = .seconds(0.05)
        let result = try Harness.run(cell)
        #expect(result.picks > 0)
        #expect(result.seconds >= 0.05)
        // Stops on time: a bound no correct run comes near (under ThreadSanitizer either), far
        // below what ignoring the length would take.
        #expect(result.seconds < 10, "a 0.05 s run took \(result.seconds) s")
        #expect(result.leakedConnections == 0)
    }

    /// The seed's claim, on the fixture round robin: under `mixed`, rotation piles the 30 s
    /// exports unevenly (each server's count of exports is random), so its instantaneous load
    /// is clearly less even than least connections'; under `uniform` both are even.
    @Test("round robin piles up under mixed, not under uniform")
    func roundRobinPilesUp() throws {
        let weights = Array(repeating: 1, count: 16)
        func load(_ selector: any ServerSelector, _ workload: Workload) -> Double {
            Harness.run(Self.cell(workload: workload, weights: weights, concurrency: 64, picks: 100_000), on: selector)
                .fairness.jainLoad
        }
        let roundRobinMixed = load(RotationSelector(weights: weights), .mixed)
        let leastMixed = load(try SelectorKind.linearScan.makeSelector(weights: weights), .mixed)
        #expect(roundRobinMixed < 0.9, "round robin jainLoad \(roundRobinMixed) under mixed")
        #expect(leastMixed > 0.99, "least connections jainLoad \(leastMixed) under mixed")
        let roundRobinUniform = load(RotationSelector(weights: weights), .uniform)
        let leastUniform = load(try SelectorKind.linearScan.makeSelector(weights: weights), .uniform)
        #expect(roundRobinUniform >= leastUniform - 0.01, "uniform: round robin \(roundRobinUniform), least \(leastUniform)")
    }

    @Test("scaling compares each cell with its one-thread twin")
    func scaling() throws {
        let one = try Harness.run(Self.cell(threads: 1))
        let two = try Harness.run(Self.cell(threads: 2))
        var document = ResultsDocument(machine: .current(), length: "test", runs: [one, two])
        document.computeScaling()
        #expect(document.runs[0].scalingVsOneThread == 1)
        #expect(document.runs[1].scalingVsOneThread == two.picksPerSecond / one.picksPerSecond)
    }

    @Test("scaling outside what a reader accepts (or not finite) is left out, so the document reads back")
    func scalingOutOfRange() throws {
        // Figures a file may hold: each in range, their ratio not (1e12 ÷ 1e-300 is infinite).
        for (single, double) in [(1e-300, 1e12), (1e-3, 1e12)] {
            var runs = [MadeUpResults.run(.p2c, threads: 1, picksPerSecond: single),
                        MadeUpResults.run(.p2c, threads: 2, picksPerSecond: double)]
            for index in runs.indices { runs[index].seconds = 1 }  // picks ÷ picks/s would be out of range
            var document = MadeUpResults.document(runs)
            document.computeScaling()
            #expect(document.runs[1].scalingVsOneThread == nil, "\(double) ÷ \(single)")
            #expect(document.firstProblem == nil, "\(String(describing: document.firstProblem))")
            #expect(try !JSONEncoder().encode(document).isEmpty)
        }
    }
}
