import LBRandom
import LBWorkloads
import LoadBalancing

/// One worker's event loop: a balancer thread holding its share of the connections in flight.
///
/// Before the gate opens, the worker picks a server for each of its connections and gives
/// each the time it still has to run in a steady stream
/// (`DurationDistribution.sampleStationaryResidual`), so the measured part starts in steady
/// state. Each measured step then
/// 1. takes the connection that finishes first in the workload's virtual time,
/// 2. releases it, timed,
/// 3. picks a server for a new connection, timed,
/// 4. gives the new connection a duration drawn from the workload, finishing at the
///    released one's finish time plus that duration.
///
/// Nothing sleeps: virtual time only orders the releases. Each timing is two reads of
/// `MonotonicClock` around one call (three reads per step, the middle one shared), recorded
/// raw: a latency includes about one timer read. The loop allocates nothing except worker 0's
/// load snapshot, taken every `loadSampleInterval` steps before the timed calls.
enum WorkerLoop {
    /// Picks claimed from the shared budget at a time, at most: large enough that the shared
    /// counter is touched once per thousand picks.
    static let budgetBatch = 1_024

    /// The batch a worker claims for a run of `total` picks on `threads` threads: `budgetBatch`,
    /// or an eighth of a worker's share when that is smaller, so that in a short run every
    /// worker gets picks (with whole batches of 1,024, `--picks 1000` on 2 threads went to
    /// whichever worker woke first) and workers end within a few batches of each other.
    static func batch(total: Int, threads: Int) -> Int {
        min(budgetBatch, max(1, total / (threads * 8)))
    }

    /// Runs worker `worker` of `configuration` on `selector` and returns what it measured.
    /// Generic, so that a concrete selector type gets a loop of its own with its pick and
    /// release specialized (`Harness.run(_:)` hands it the type from `SelectorKind`).
    static func run<Selector: ServerSelector>(
        worker: Int, configuration: RunConfiguration, selector: Selector,
        coordination: WorkerCoordination
    ) -> WorkerOutcome {
        let durations = configuration.workload.durations
        var random = SplitMix64(seed: seed(configuration.seed, worker: worker))
        var unservedPicks = 0
        let share = configuration.connections(ofWorker: worker)
        var inFlight = InFlightConnections(capacity: share)
        for _ in 0..<share {
            guard let server = selector.pick() else {
                unservedPicks += 1
                continue
            }
            inFlight.insert(.init(finish: durations.sampleStationaryResidual(using: &random), server: server))
        }

        // Everything the loop writes is allocated before the gate, outside the measured part.
        var pickLatency = LatencyHistogram()
        var releaseLatency = LatencyHistogram()
        var picksPerServer = Array(repeating: 0, count: configuration.servers)
        var picks = 0
        var loadSamples = worker == 0 ? LoadSamples(weights: configuration.weights) : nil
        let samplesLoad = loadSamples != nil
        var stepsToNextSample = 0
        var granted = 0

        let batch = switch configuration.length {
        case let .picks(total): Self.batch(total: total, threads: configuration.threads)
        case .seconds: budgetBatch
        }
        // The next grant: from the budget for a run in picks, unlimited for one in seconds.
        func claim() -> Int { coordination.budget?.claim(upTo: batch) ?? .max }
        coordination.gate.arriveAndWait()
        // Worker 0's first load sample, before it claims anything: the fills' steady state,
        // taken while the other workers may already be running, so a run always has a sample
        // even if worker 0 gets no picks.
        if samplesLoad {
            loadSamples?.record(selector.activeConnections())
            stepsToNextSample = configuration.loadSampleInterval
        }
        granted = claim()
        // Only a worker with picks to make counts as running alongside the others, and only its
        // clocks count toward the cell's window (`WorkerOutcome.tookPart`).
        let takesPart = granted > 0
        if takesPart { coordination.overlap.enter() }
        // The CPU-time reads lie inside the wall-clock reads (each is a system call), so a worker's
        // CPU time never exceeds its wall time by the clocks' own cost.
        let schedulingStart = ThreadSchedulingSample.current()
        let start = MonotonicClock.nanoseconds()
        let cpuStart = ThreadCPUTime.nanoseconds()
        let deadline: UInt64 = switch configuration.length {
        case .picks: .max
        case let .seconds(seconds): start &+ UInt64(seconds * 1e9)
        }
        while !inFlight.isEmpty {
            if granted == 0 {
                granted = claim()
                if granted == 0 { break }
            }
            granted -= 1
            if samplesLoad {
                if stepsToNextSample == 0 {
                    loadSamples?.record(selector.activeConnections())
                    stepsToNextSample = configuration.loadSampleInterval
                }
                stepsToNextSample -= 1
            }

            let finishing = inFlight.earliest
            let beforeRelease = MonotonicClock.nanoseconds()
            selector.release(finishing.server)
            let beforePick = MonotonicClock.nanoseconds()
            let picked = selector.pick()
            let afterPick = MonotonicClock.nanoseconds()
            releaseLatency.record(beforePick &- beforeRelease)
            pickLatency.record(afterPick &- beforePick)

            if let picked {
                picks += 1
                picksPerServer[picked.index] += 1
                let finish = finishing.finish + durations.sample(using: &random)
                inFlight.replaceEarliest(with: .init(finish: finish, server: picked))
            } else {
                unservedPicks += 1
                _ = inFlight.removeEarliest()
            }
            if afterPick >= deadline { break }
        }

        let cpuEnd = ThreadCPUTime.nanoseconds()
        let end = MonotonicClock.nanoseconds()
        let schedulingEnd = ThreadSchedulingSample.current()
        if takesPart { coordination.overlap.leave() }
        let scheduling = schedulingStart.flatMap { start in schedulingEnd.map { $0.since(start) } }
        return WorkerOutcome(
            pickLatency: pickLatency, releaseLatency: releaseLatency, picksPerServer: picksPerServer,
            picks: picks, unservedPicks: unservedPicks, tookPart: takesPart, startNanoseconds: start, endNanoseconds: end,
            cpuNanoseconds: cpuEnd &- cpuStart, scheduling: scheduling, loadSamples: loadSamples,
            held: inFlight.servers)
    }

    /// Worker `worker`'s generator seed: the `worker`-th output of a SplitMix64 seeded with the
    /// run's seed, so workers draw unrelated sequences (seeds `s` and `s + γ` would give the
    /// same sequence shifted by one draw).
    static func seed(_ seed: UInt64, worker: Int) -> UInt64 {
        var seeder = SplitMix64(seed: seed)
        var result = seeder.next()
        for _ in 0..<worker { result = seeder.next() }
        return result
    }
}

/// What one worker measured.
struct WorkerOutcome: Sendable {
    var pickLatency: LatencyHistogram
    var releaseLatency: LatencyHistogram
    /// Measured picks per server.
    var picksPerServer: [Int]
    /// Measured picks that returned a server.
    var picks: Int
    /// Picks that returned `nil` although some server had weight > 0 (a selector bug); the
    /// worker holds one connection fewer for each.
    var unservedPicks: Int
    /// Whether the worker made measured steps: `false` when the budget was spent before its
    /// first claim (it woke late). Such a worker's clocks and CPU time are left out of the
    /// cell's figures: they would stretch its window to the late wake-up.
    var tookPart: Bool
    /// When the measured loop started and ended (`MonotonicClock`).
    var startNanoseconds: UInt64
    var endNanoseconds: UInt64
    /// CPU time the worker's thread used in its measured loop.
    var cpuNanoseconds: UInt64
    /// What the scheduler recorded about the worker's thread over its measured loop (run-queue
    /// wait, voluntary and involuntary context switches); `nil` without scheduler statistics.
    var scheduling: ThreadSchedulingSample?
    /// Worker 0's load snapshots; `nil` for other workers.
    var loadSamples: LoadSamples?
    /// The servers of the connections still held when the measured loop ended.
    var held: [ServerID]
}
