/// Why a cell's workers were not all on a CPU: a busy machine (they were preempted and waited
/// for a core) or a lock's sleeps (they blocked voluntarily while cores stood idle).
///
/// Both lower `cpuParallelism`; only the first understates contention and scaling, and only the
/// first is reported as a busy machine. On a 16-core machine, 16 workers on one futex mutex are
/// mostly asleep: that is the lock's cost, not the machine's.
///
/// - Note: Pure functions of a run's figures and the machine's core count; thread-safe.
public enum OnCPUDiagnosis {
    /// The share of the cores a cell could use above which waiting or sleeping is flagged.
    public static let threshold = 0.1
    /// Preemptions per worker-second from which run-queue waits are put down to other work on
    /// the machine rather than to wake-up latency (a woken futex waiter waits a few microseconds
    /// for its core without being preempted); a tick-driven scheduler preempts a thread that
    /// shares its core hundreds of times a second.
    public static let preemptionsPerWorkerSecond = 10.0

    /// Whether the machine was busy: the workers waited for cores they could have had (beyond
    /// what more threads than cores explains) for more than `threshold` of those cores, and were
    /// preempted (`preemptionsPerWorkerSecond`). Without scheduler statistics (`scheduling`
    /// is `nil`), falls back to the CPU time alone: less than 90% of a core per usable core.
    ///
    /// - Parameter cores: the machine's cores (`MachineContext.cores`).
    public static func isBusyMachine(_ run: RunResult, cores: Int) -> Bool {
        let usable = Double(max(1, min(run.threads, cores)))
        guard let scheduling = run.scheduling else {
            return run.cpuParallelism < (1 - threshold) * usable
        }
        let waitForFreeCores = min(scheduling.runQueueWait, max(0, usable - run.cpuParallelism))
        let workerSeconds = Double(run.threads) * run.seconds
        let preemptionRate = workerSeconds > 0 ? Double(scheduling.involuntaryContextSwitches) / workerSeconds : 0
        return waitForFreeCores > threshold * usable && preemptionRate >= preemptionsPerWorkerSecond
    }

    /// Whether the workers slept voluntarily (a lock's waits) for more than `threshold` of their
    /// time; `false` without scheduler statistics.
    public static func isLockSleeping(_ run: RunResult) -> Bool {
        guard let scheduling = run.scheduling else { return false }
        return scheduling.voluntarySleep > threshold * Double(run.threads)
    }
}
