import Foundation
import LBHarness
import LoadBalancing
import Testing

/// Telling a busy machine (workers preempted, waiting for a core) from a lock's sleeps (workers
/// blocked by their own choice): the `/proc` formats, a real voluntary sleep, and the verdicts
/// on hand-made figures.
@Suite("On-CPU diagnosis: busy machine or lock sleep", .serialized)
struct OnCPUDiagnosisTests {
    /// The kernel's formats (Linux 6.x): `schedstat` is "cpu_ns run_delay_ns timeslices".
    static let schedstat = "1234567 89012 345\n"
    static let status = """
        Name:\tlbbench.worker\nState:\tR (running)\nTgid:\t4242\nThreads:\t5
        Cpus_allowed_list:\t0-15\nvoluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t  3

        """

    @Test("parses /proc/thread-self/schedstat and status")
    func parsesProcFormats() throws {
        let sample = try #require(ThreadSchedulingSample.parse(schedstat: Self.schedstat, status: Self.status))
        #expect(sample == ThreadSchedulingSample(
            runQueueWaitNanoseconds: 89_012, voluntaryContextSwitches: 17, involuntaryContextSwitches: 3))
    }

    @Test("rejects texts that lack a figure", arguments: [
        ("1234567\n", status),
        ("1234567 x 345\n", status),
        (schedstat, "voluntary_ctxt_switches:\t17\n"),
        (schedstat, "voluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\tmany\n"),
        ("", ""),
    ])
    func rejectsMalformed(schedstat: String, status: String) {
        #expect(ThreadSchedulingSample.parse(schedstat: schedstat, status: status) == nil)
    }

    @Test("a difference of samples never goes below 0")
    func differenceClamps() {
        let earlier = ThreadSchedulingSample(runQueueWaitNanoseconds: 10, voluntaryContextSwitches: 5, involuntaryContextSwitches: 2)
        let later = ThreadSchedulingSample(runQueueWaitNanoseconds: 25, voluntaryContextSwitches: 4, involuntaryContextSwitches: 7)
        #expect(later.since(earlier) == ThreadSchedulingSample(
            runQueueWaitNanoseconds: 15, voluntaryContextSwitches: 0, involuntaryContextSwitches: 5))
    }

    /// Guards the sums over workers by exact figures (a mutant that wrote the involuntary switches
    /// as the voluntary ones survived without it: the kernel-driven tests only bound the figures
    /// and read the involuntary count alone). Worker 1: 1 s wall, 0.5 s on CPU, 0.1 s in the run
    /// queue, so 0.4 s asleep; worker 2: 0.8 s wall, 0.9 s on CPU (its clock's skew), so no sleep.
    /// Over a 1 s cell: run queue 0.1 + 0.1, sleep 0.4.
    @Test("scheduling figures: run queue and sleep summed over workers in workers, switches each in their own field")
    func schedulingSums() throws {
        let figures = try #require(SchedulingFigures(workers: [
            (1_000_000_000, 500_000_000, ThreadSchedulingSample(
                runQueueWaitNanoseconds: 100_000_000, voluntaryContextSwitches: 3, involuntaryContextSwitches: 40)),
            (800_000_000, 900_000_000, ThreadSchedulingSample(
                runQueueWaitNanoseconds: 100_000_000, voluntaryContextSwitches: 4, involuntaryContextSwitches: 50)),
        ], wallSeconds: 1))
        #expect(abs(figures.runQueueWait - 0.2) < 1e-12)
        #expect(abs(figures.voluntarySleep - 0.4) < 1e-12)
        #expect(figures.voluntaryContextSwitches == 7 && figures.involuntaryContextSwitches == 90)
        #expect(SchedulingFigures(workers: [(1, 1, nil)], wallSeconds: 1) == nil)
        #expect(SchedulingFigures(workers: [], wallSeconds: 0) == nil)
    }

    #if os(Linux)
    /// A worker that waits on a condition (a futex wait underneath) for 200 ms: the kernel must
    /// show a voluntary switch, and the figures must call the time lock sleep, not a busy
    /// machine. Robust on a loaded machine: waiting for a core after the wake-up eats into the
    /// sleep only by the scheduler's delay, and preemptions of a thread that barely runs are rare.
    @Test("a thread blocked on a condition is asleep by its own choice, not on a busy machine")
    func voluntarySleepIsLockSleep() throws {
        let shared = SleeperState()
        let done = DispatchSemaphore(value: 0)
        let waiter = Thread {
            let before = ThreadSchedulingSample.current()
            let cpuStart = ThreadCPUTime.nanoseconds()
            let start = MonotonicClock.nanoseconds()
            shared.condition.lock()
            while !shared.signalled { shared.condition.wait() }
            shared.condition.unlock()
            let end = MonotonicClock.nanoseconds()
            let cpuEnd = ThreadCPUTime.nanoseconds()
            let after = ThreadSchedulingSample.current()
            shared.condition.lock()
            shared.measured = (end &- start, cpuEnd &- cpuStart, before.flatMap { b in after.map { $0.since(b) } })
            shared.condition.unlock()
            done.signal()
        }
        waiter.start()
        Thread.sleep(forTimeInterval: 0.2)
        shared.condition.lock()
        shared.signalled = true
        shared.condition.signal()
        shared.condition.unlock()
        done.wait()

        shared.condition.lock()
        let measured = shared.measured
        shared.condition.unlock()
        let worker = try #require(measured)
        let delta = try #require(worker.scheduling, "no /proc/thread-self scheduler statistics on this Linux")
        #expect(delta.voluntaryContextSwitches >= 1)
        let seconds = Double(worker.wallNanoseconds) / 1e9
        let figures = try #require(SchedulingFigures(workers: [worker], wallSeconds: seconds))
        #expect(figures.voluntarySleep > 0.5, "\(figures)")
        let run = Self.run(threads: 1, seconds: seconds, cpu: Double(worker.cpuNanoseconds) / 1e9 / seconds, scheduling: figures)
        #expect(OnCPUDiagnosis.isLockSleeping(run))
        #expect(!OnCPUDiagnosis.isBusyMachine(run, cores: 1), "\(figures)")
    }

    /// Two threads pinned to one CPU, both spinning for 300 ms: each gets about half the core
    /// and waits in the run queue for the rest, preempted by the other. The kernel's figures must
    /// call that a busy machine, not lock sleep. Deterministic on any machine: pinning makes the
    /// competition, whatever else runs.
    @Test("two threads spinning on one CPU are preempted: a busy machine, not lock sleep")
    func sharedCoreIsBusy() throws {
        let cpu = try #require(Self.firstAllowedCPU(), "no CPU in this thread's affinity mask")
        let results = SpinnerResults()
        let done = DispatchSemaphore(value: 0)
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread {
                var mask = [UInt8](repeating: 0, count: Self.affinityMaskBytes)
                mask[cpu / 8] = UInt8(1) << UInt8(cpu % 8)
                let pinned = mask.withUnsafeMutableBytes {
                    Self.affinityCall("sched_setaffinity")?(0, $0.count, $0.baseAddress!) == 0
                }
                start.wait()
                let before = ThreadSchedulingSample.current()
                let cpuStart = ThreadCPUTime.nanoseconds()
                let begin = MonotonicClock.nanoseconds()
                while MonotonicClock.nanoseconds() &- begin < 300_000_000 {}
                let end = MonotonicClock.nanoseconds()
                let cpuEnd = ThreadCPUTime.nanoseconds()
                let after = ThreadSchedulingSample.current()
                results.append(pinned: pinned, worker: (
                    end &- begin, cpuEnd &- cpuStart, before.flatMap { b in after.map { $0.since(b) } }))
                done.signal()
            }.start()
        }
        start.signal()
        start.signal()
        done.wait()
        done.wait()

        let (pinned, workers) = results.collected()
        #expect(pinned, "sched_setaffinity failed")
        let wall = Double(workers.map(\.wallNanoseconds).max() ?? 0) / 1e9
        let figures = try #require(SchedulingFigures(workers: workers, wallSeconds: wall))
        let onCPU = Double(workers.reduce(0) { $0 + $1.cpuNanoseconds }) / 1e9 / wall
        #expect(onCPU < 1.2 && figures.runQueueWait > 0.6, "on CPU \(onCPU), \(figures)")
        #expect(figures.involuntaryContextSwitches >= 6, "\(figures)")
        let run = Self.run(threads: 2, seconds: wall, cpu: onCPU, scheduling: figures)
        #expect(OnCPUDiagnosis.isBusyMachine(run, cores: 2), "on CPU \(onCPU), \(figures)")
        #expect(!OnCPUDiagnosis.isLockSleeping(run), "\(figures)")
    }

    /// A CPU mask of 1,024 CPUs, as glibc's `cpu_set_t`.
    static let affinityMaskBytes = 128
    typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32

    /// glibc's `sched_setaffinity` or `sched_getaffinity` (for the calling thread with pid 0),
    /// looked up at run time: Swift's Glibc module does not export these GNU extensions.
    static func affinityCall(_ name: String) -> AffinityCall? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, name) else { return nil }
        return unsafeBitCast(symbol, to: AffinityCall.self)
    }

    /// The lowest-numbered CPU the calling thread may run on.
    static func firstAllowedCPU() -> Int? {
        var mask = [UInt8](repeating: 0, count: affinityMaskBytes)
        let read = mask.withUnsafeMutableBytes { affinityCall("sched_getaffinity")?(0, $0.count, $0.baseAddress!) == 0 }
        guard read else { return nil }
        return (0..<(mask.count * 8)).first { mask[$0 / 8] & (UInt8(1) << UInt8($0 % 8)) != 0 }
    }

    @Test("a harness cell accounts for its workers' time: on CPU + run queue + sleep ≈ threads, not more")
    func harnessCellAccounts() throws {
        let cell = try #require(try MatrixConfiguration(
            selectors: [.buckets], locks: [.mutex], serverCounts: [16], threadCounts: [2], workloads: [.uniform],
            length: .seconds(0.2)).cells().first)
        let result = try Harness.run(cell)
        let scheduling = try #require(result.scheduling)
        let total = result.cpuParallelism + scheduling.runQueueWait + scheduling.voluntarySleep
        // Each worker's loop lies within the cell's wall time, so the sum is at most 2; it falls
        // below 2 only by the workers' start and end skew (milliseconds of 200).
        #expect(total > 1 && total <= 2.05, "\(result.cpuParallelism) + \(scheduling)")
        #expect(scheduling.runQueueWait >= 0 && scheduling.voluntarySleep >= 0)
    }
    #endif

    @Test("16 workers on 16 idle cores, asleep on a mutex: lock sleep, not a busy machine")
    func idleManyCoreMutex() {
        let run = Self.run(threads: 16, cpu: 4.1, scheduling: .init(
            runQueueWait: 0.4, voluntarySleep: 11.5, voluntaryContextSwitches: 900_000, involuntaryContextSwitches: 3))
        #expect(!OnCPUDiagnosis.isBusyMachine(run, cores: 16))
        #expect(OnCPUDiagnosis.isLockSleeping(run))
    }

    @Test("wake-up latency of many futex waits is not a busy machine without preemption")
    func wakeUpLatencyIsNotBusy() {
        let run = Self.run(threads: 16, cpu: 4, scheduling: .init(
            runQueueWait: 4, voluntarySleep: 8, voluntaryContextSwitches: 2_000_000, involuntaryContextSwitches: 8))
        #expect(!OnCPUDiagnosis.isBusyMachine(run, cores: 16))
    }

    @Test("2 workers on 2 cores shared with a build, preempted: busy machine")
    func preemptedIsBusy() {
        let run = Self.run(threads: 2, cpu: 1.1, scheduling: .init(
            runQueueWait: 0.85, voluntarySleep: 0.05, voluntaryContextSwitches: 10, involuntaryContextSwitches: 120))
        #expect(OnCPUDiagnosis.isBusyMachine(run, cores: 2))
        #expect(!OnCPUDiagnosis.isLockSleeping(run))
    }

    @Test("32 workers on 16 cores: waiting for each other is not a busy machine; waiting with cores unused is")
    func oversubscription() {
        let own = Self.run(threads: 32, cpu: 15.9, scheduling: .init(
            runQueueWait: 16, voluntarySleep: 0.1, voluntaryContextSwitches: 50, involuntaryContextSwitches: 5_000))
        #expect(!OnCPUDiagnosis.isBusyMachine(own, cores: 16))
        let shared = Self.run(threads: 32, cpu: 10, scheduling: .init(
            runQueueWait: 21.9, voluntarySleep: 0.1, voluntaryContextSwitches: 50, involuntaryContextSwitches: 5_000))
        #expect(OnCPUDiagnosis.isBusyMachine(shared, cores: 16))
    }

    @Test("without scheduler statistics, on CPU alone decides, against the cores the cell could use")
    func fallback() {
        #expect(OnCPUDiagnosis.isBusyMachine(Self.run(threads: 2, cpu: 1.5, scheduling: nil), cores: 2))
        #expect(!OnCPUDiagnosis.isBusyMachine(Self.run(threads: 2, cpu: 1.9, scheduling: nil), cores: 2))
        #expect(!OnCPUDiagnosis.isBusyMachine(Self.run(threads: 32, cpu: 15.9, scheduling: nil), cores: 16))
        #expect(!OnCPUDiagnosis.isLockSleeping(Self.run(threads: 2, cpu: 0.5, scheduling: nil)))
    }

    @Test("the report header flags busy cells only, and names lock sleep separately")
    func reportHeader() throws {
        let sleeping = Self.run(threads: 16, cpu: 4.1, scheduling: .init(
            runQueueWait: 0.4, voluntarySleep: 11.5, voluntaryContextSwitches: 900_000, involuntaryContextSwitches: 3))
        let busy = Self.run(threads: 16, cpu: 8, scheduling: .init(
            runQueueWait: 7.9, voluntarySleep: 0.1, voluntaryContextSwitches: 10, involuntaryContextSwitches: 4_000))
        let machine = MachineContext(cpu: "test", cores: 16, os: "test", swift: "6", build: "release",
                                     date: "today", timerOverheadNs: 20)
        let document = ResultsDocument(machine: machine, length: "1 s per cell", runs: [sleeping, sleeping, busy])
        #expect(document.timeSlicedRuns == [busy])
        #expect(document.lockSleepRuns == [sleeping, sleeping])
        let text = MarkdownReport.render(document)
        #expect(text.contains("**1 of 3 multi-thread cells waited for free cores"))
        #expect(text.contains("Lock sleep: in 2 of 3 multi-thread cells"))
        #expect(text.contains("| 4.10 | 0.40 | 11.50 |"))

        let decoded = try JSONReport.parse(Data(try JSONReport.render(document).utf8))
        #expect(decoded == document)
    }

    @Test("results without scheduler statistics: low on CPU is reported with its cause unknown, not as a busy machine")
    func reportHeaderWithoutStatistics() {
        let machine = MachineContext(cpu: "test", cores: 16, os: "test", swift: "6", build: "release",
                                     date: "today", timerOverheadNs: 20)
        let old = Self.run(threads: 16, cpu: 4.1, scheduling: nil)
        let text = MarkdownReport.render(ResultsDocument(machine: machine, length: "1 s per cell", runs: [old]))
        #expect(!text.contains("(busy machine)"))
        #expect(text.contains("1 of 1 multi-thread cells got less than 90% of a core per core they could use, and carry no scheduler statistics"))
        #expect(text.contains("| 4.10 | — | — |"))
    }

    @Test("results written before the scheduling field existed still read, with it null")
    func oldResultsRead() throws {
        let machine = MachineContext(cpu: "test", cores: 2, os: "test", swift: "6", build: "release",
                                     date: "today", timerOverheadNs: 20)
        let document = ResultsDocument(
            machine: machine, length: "1 s per cell", runs: [Self.run(threads: 2, cpu: 2, scheduling: nil)])
        var text = try JSONReport.render(document)
        #expect(text.contains("\"scheduling\" : null"))
        text = text.replacingOccurrences(of: "\"scheduling\" : null,", with: "")
        #expect(!text.contains("scheduling"))
        #expect(try JSONReport.parse(Data(text.utf8)) == document)
    }

    static func run(threads: Int, seconds: Double = 0.25, cpu: Double, scheduling: SchedulingFigures?) -> RunResult {
        let latency = LatencySummary(p50: 40, p90: 50, p99: 60, p999: 70, max: 80, mean: 42)
        return RunResult(
            selector: .buckets, lock: .mutex, workload: .uniform, servers: 4,
            threads: threads, concurrency: 8, weights: [1, 1, 1, 1], seed: 1, picks: 4, seconds: seconds,
            picksPerSecond: 4 / seconds, scalingVsOneThread: nil, pickLatencyNs: latency, releaseLatencyNs: latency,
            contention: .init(lockContendedFraction: 0, lockWaitNsPerPick: 0, casRetriesPerPick: nil),
            fairness: .init(jainAssignments: 1, jainLoad: 1, peakToMeanLoad: 1),
            perServer: .init(picks: [1, 1, 1, 1], meanActive: [2, 2, 2, 2]), leakedConnections: 0, unservedPicks: 0,
            workersOverlapped: threads, cpuParallelism: cpu, loadSamples: 1, loadSampleInterval: 1,
            scheduling: scheduling)
    }
}

/// What the sleeping thread and the test share; every member is read and written with
/// `condition` locked.
private final class SleeperState: @unchecked Sendable {
    let condition = NSCondition()
    var signalled = false
    var measured: (wallNanoseconds: UInt64, cpuNanoseconds: UInt64, scheduling: ThreadSchedulingSample?)?
}

/// What the pinned spinners leave for the test.
private final class SpinnerResults: @unchecked Sendable {
    private let lock = NSLock()
    /// Read and written only with `lock` held.
    private var pinned = true
    private var workers: [(wallNanoseconds: UInt64, cpuNanoseconds: UInt64, scheduling: ThreadSchedulingSample?)] = []

    func append(pinned: Bool, worker: (wallNanoseconds: UInt64, cpuNanoseconds: UInt64, scheduling: ThreadSchedulingSample?)) {
        lock.withLock {
            self.pinned = self.pinned && pinned
            workers.append(worker)
        }
    }

    func collected() -> (pinned: Bool, workers: [(wallNanoseconds: UInt64, cpuNanoseconds: UInt64, scheduling: ThreadSchedulingSample?)]) {
        lock.withLock { (pinned, workers) }
    }
}
