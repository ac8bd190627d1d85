@testable import LBCheck
import LBHarness
import LoadBalancing
import Testing

/// Claim 8 on hand-made results: it must fail when one exact selector with `combining` falls
/// below the floor at 2 threads.
@Suite("lbbench check: the combining scaling claim")
struct ScalingClaimTests {
    static func cells(twoThreadRatio: (SelectorKind) -> Double) -> [RunResult] {
        ProjectClaims.exactKinds.flatMap { kind in
            [1, 2].map { threads in
                var run = ClaimTests.run(kind, threads: threads, lock: LockKind.combining.rawValue)
                run.picksPerSecond = threads == 1 ? 1_000_000 : 1_000_000 * twoThreadRatio(kind)
                return run
            }
        }
    }

    @Test("passes when every exact selector keeps at least 0.8× on 2 threads")
    func holds() {
        let verdicts = ProjectClaims().combiningScalingClaims([Self.cells { _ in 0.95 }])
        #expect(verdicts.count == 1 && verdicts.allSatisfy(\.passed))
    }

    @Test("fails when one exact selector drops below 0.8× on 2 threads, and names it")
    func fails() {
        let verdicts = ProjectClaims().combiningScalingClaims([Self.cells { $0 == .minHeap ? 0.5 : 1.2 }])
        #expect(!verdicts[0].passed)
        #expect(verdicts[0].measured.contains("min-heap 0.50×"))
    }

    @Test("a time-sliced measurement is outweighed by a clean one or excused by its run-queue wait; a collapse still fails")
    func remeasured() {
        let sliced = Self.cells { $0 == .buckets ? 0.5 : 1.2 }
        let clean = Self.cells { _ in 1.1 }
        let verdicts = ProjectClaims().combiningScalingClaims([sliced, clean], count: 2)
        #expect(verdicts.count == 1 && verdicts[0].passed)
        let preempted = Self.cells { $0 == .buckets ? 0.5 : 1.2 }.map { run in
            var run = run
            if run.threads == 2 {
                run.scheduling = SchedulingFigures(
                    runQueueWait: 1.0, voluntarySleep: 0, voluntaryContextSwitches: 0, involuntaryContextSwitches: 500)
            }
            return run
        }
        let excused = ProjectClaims().combiningScalingClaims([preempted])
        #expect(excused[0].passed && excused[0].measured.contains("buckets 1.00× (raw 0.50×)"))
        let collapsed = Self.cells { $0 == .buckets ? 0.35 : 1.2 }.map { run in
            var run = run
            if run.threads == 2 {
                run.scheduling = SchedulingFigures(
                    runQueueWait: 0.05, voluntarySleep: 0.9, voluntaryContextSwitches: 9000, involuntaryContextSwitches: 0)
            }
            return run
        }
        let verdict = ProjectClaims().combiningScalingClaims([collapsed, collapsed, collapsed], count: 3)[0]
        #expect(!verdict.passed && verdict.measured.contains("re-measured: 3 measurements"))
    }
}

/// Claim 9 on hand-made results.
@Suite("lbbench check: partitioned fairer than p2c")
struct PartitionedClaimTests {
    @Test("passes when partitioned's jainLoad is above p2c's, fails when not")
    func verdicts() {
        let fairer = ClaimTests.mixed(roundRobin: 0.8, p2c: 0.92)
        let passing = ProjectClaims().partitionedFairnessClaims(fairer)
        #expect(passing.allSatisfy { $0.passed })
        let worse = fairer.map { run in
            var run = run
            if run.selector == SelectorKind.partitioned.rawValue { run.fairness.jainLoad = 0.9 }
            return run
        }
        let verdicts = ProjectClaims().partitionedFairnessClaims(worse)
        #expect(verdicts.count == 1 && !verdicts[0].passed && verdicts[0].measured == "partitioned 0.900, p2c 0.920")
    }
}
