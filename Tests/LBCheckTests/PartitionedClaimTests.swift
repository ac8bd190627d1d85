@testable import LBCheck
import LBHarness
import LoadBalancing
import Testing

/// Claim 8 on hand-made results.
@Suite("lbbench check: partitioned at least 0.99 and fairer than p2c")
struct PartitionedClaimTests {
    @Test("passes when partitioned's jainLoad is at least 0.99 and above p2c's, fails when not")
    func verdicts() {
        let fairer = ClaimTests.mixed(roundRobin: 0.8, p2c: 0.92)
        let passing = ProjectClaims().partitionedFairnessClaims(fairer)
        #expect(passing.allSatisfy { $0.passed })
        let worse = fairer.map { run in
            var run = run
            if run.selector == .partitioned { run.fairness.jainLoad = 0.9 }
            return run
        }
        let verdicts = ProjectClaims().partitionedFairnessClaims(worse)
        #expect(verdicts.count == 1 && !verdicts[0].passed && verdicts[0].measured == "partitioned 0.900, p2c 0.920")
        let belowFloor = fairer.map { run in
            var run = run
            if run.selector == .partitioned { run.fairness.jainLoad = 0.985 }
            return run
        }
        #expect(ProjectClaims().partitionedFairnessClaims(belowFloor).allSatisfy { !$0.passed })
    }

    /// Mutants that failed a jainLoad of exactly the floor, and passed one level with p2c's,
    /// survived the test above, whose figures sat away from both edges.
    @Test("on the edges: exactly 0.99 holds; level with p2c does not")
    func edges() {
        func claim(partitioned: Double, p2c: Double) -> ClaimVerdict {
            let runs = ClaimTests.mixed(roundRobin: 0.8, p2c: p2c).map { run in
                var run = run
                if run.selector == .partitioned { run.fairness.jainLoad = partitioned }
                return run
            }
            return ProjectClaims().partitionedFairnessClaims(runs)[0]
        }
        #expect(claim(partitioned: 0.99, p2c: 0.92).passed)
        let level = claim(partitioned: 0.995, p2c: 0.995)
        #expect(!level.passed && level.measured == "partitioned 0.995, p2c 0.995", "\(level.measured)")
    }
}
