/// Where a cell's workers spent the measured time they were not on a CPU: waiting for a core
/// (the machine was busy, or there were more threads than cores) or asleep by their own choice
/// (a lock's futex wait). One element of a run's `scheduling` in the results JSON
/// (`lbbench.results/1`); `null` where the kernel gives no scheduler statistics.
///
/// The three shares are in workers, like `cpuParallelism`: time summed over the workers
/// divided by the cell's wall time, so on CPU + run queue + sleep ≈ the workers that made
/// measured picks (all `threads` but in a run of very few picks).
public struct SchedulingFigures: Codable, Sendable, Equatable {
    /// The workers' run-queue waits over the wall time: how many, on average, were ready to run
    /// with no core free (`/proc/thread-self/schedstat`'s run delay). It includes the few
    /// microseconds a woken thread waits to be scheduled.
    public var runQueueWait: Double
    /// The workers' voluntary sleep over the wall time: how many, on average, were blocked (a
    /// lock's futex wait): measured time minus CPU time minus run-queue wait.
    public var voluntarySleep: Double
    /// Times the workers blocked, all together, in the measured part.
    public var voluntaryContextSwitches: Int
    /// Times the workers were preempted, all together, in the measured part.
    public var involuntaryContextSwitches: Int

    public init(runQueueWait: Double, voluntarySleep: Double, voluntaryContextSwitches: Int, involuntaryContextSwitches: Int) {
        self.runQueueWait = runQueueWait
        self.voluntarySleep = voluntarySleep
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    /// Sums the workers' measured intervals.
    ///
    /// - Parameters:
    ///   - workers: per worker that made measured picks, its measured loop's wall and CPU
    ///     nanoseconds and the change in its scheduler figures over the loop.
    ///   - wallSeconds: the cell's wall time (first start to last end of those workers).
    /// - Returns: `nil` when a worker has no scheduler figures or the wall time is not positive.
    /// - Complexity: O(workers).
    public init?(workers: [(wallNanoseconds: UInt64, cpuNanoseconds: UInt64, scheduling: ThreadSchedulingSample?)],
                 wallSeconds: Double) {
        guard wallSeconds > 0 else { return nil }
        var runQueue: UInt64 = 0
        var sleep: UInt64 = 0
        var voluntary: UInt64 = 0
        var involuntary: UInt64 = 0
        for worker in workers {
            guard let scheduling = worker.scheduling else { return nil }
            let busy = worker.cpuNanoseconds &+ scheduling.runQueueWaitNanoseconds
            runQueue &+= scheduling.runQueueWaitNanoseconds
            sleep &+= worker.wallNanoseconds > busy ? worker.wallNanoseconds - busy : 0
            voluntary &+= scheduling.voluntaryContextSwitches
            involuntary &+= scheduling.involuntaryContextSwitches
        }
        self.init(
            runQueueWait: Double(runQueue) / 1e9 / wallSeconds, voluntarySleep: Double(sleep) / 1e9 / wallSeconds,
            voluntaryContextSwitches: Int(clamping: voluntary), involuntaryContextSwitches: Int(clamping: involuntary))
    }
}
