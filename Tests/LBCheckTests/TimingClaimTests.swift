@testable import LBCheck
import LBHarness
import LoadBalancing
import Testing

/// The timing claims (2 and 4) of `lbbench check`: their estimator on made-up rounds, the
/// re-measurement of a failure, and regressions made on purpose — selectors slowed by a wide
/// margin (hundreds of times), run through the real probe and harness, so these tests cannot
/// flake: a healthy selector is never asserted fast, a slowed one only asserted slow.
@Suite("lbbench check: the timing claims")
struct TimingClaimTests {
    typealias Subject = CostProbe.Subject

    /// Claim 2's subjects with the given rounds (nanoseconds); every other subject 25 ns in
    /// every round, linear-scan 1,000 ns.
    static func samples(_ overrides: [Subject: [Double]], rounds: Int = 5) -> CostSamples {
        let subjects = [
            Subject(.buckets, servers: 64), Subject(.buckets, servers: 100_000), Subject(.p2c, servers: 64),
            Subject(.p2c, servers: 100_000), Subject(.linearScan, servers: 1_024), Subject(.minHeap, servers: 1_024),
            Subject(.buckets, servers: 1_024),
        ]
        var samples = CostSamples()
        for round in 0..<rounds {
            for subject in subjects {
                let standard = subject.kind == .linearScan ? 1_000.0 : 25
                samples.record(overrides[subject]?[round] ?? standard, for: subject)
            }
        }
        return samples
    }

    let claims = ProjectClaims()

    @Test("cost: the fastest rounds decide, so noise in most rounds cannot fail a flat claim")
    func noisyRoundsPass() {
        // p2c at 100,000 servers disturbed in 4 of 5 rounds: the median ratio would be 3.2×.
        let noisy = Self.samples([Subject(.p2c, servers: 100_000): [80, 30, 90, 75, 85]])
        let verdict = claims.costVerdicts(noisy, measurements: 1)[1]
        #expect(verdict.id == "2b" && verdict.passed, "\(verdict)")
        #expect(verdict.measured.hasPrefix("1.20×"))
        #expect(verdict.spread?.low == 1.2 && verdict.spread?.high == 3.6 && verdict.spread?.rounds == 5)
    }

    @Test("cost: a regression that slows every round fails each claim")
    func regressionsFail() {
        let p2cLinear = Self.samples([Subject(.p2c, servers: 100_000): Array(repeating: 60_000, count: 5)])
        #expect(claims.costVerdicts(p2cLinear, measurements: 1).map(\.passed) == [true, false, true, true])
        let bucketsScan = Self.samples([
            Subject(.buckets, servers: 100_000): Array(repeating: 60_000, count: 5),
            Subject(.buckets, servers: 1_024): Array(repeating: 600, count: 5),
        ])
        #expect(claims.costVerdicts(bucketsScan, measurements: 1).map(\.passed) == [false, true, false, true])
        // min-heap only 2.5× cheaper than linear-scan: below the 3× bound.
        let heapSlow = Self.samples([Subject(.minHeap, servers: 1_024): Array(repeating: 400, count: 5)])
        #expect(claims.costVerdicts(heapSlow, measurements: 1).map(\.passed) == [true, true, true, false])
    }

    @Test("a failure is re-measured, pooled with the earlier rounds, and says so")
    func remeasuredUntilItPasses() {
        var calls = 0
        let (samples, verdicts) = claims.remeasuringFailures(
            upTo: 3, measure: { () -> [Double] in
                calls += 1
                return calls == 1 ? [90, 80] : [30]
            },
            pool: { $0 += $1 },
            judge: { rounds, measurements in
                [
                    ClaimVerdict(id: "x", claim: "fast", measured: "\(rounds.min()!)", passed: rounds.min()! < 50,
                                 measurements: measurements),
                    ClaimVerdict(id: "y", claim: "held", measured: "-", passed: true, measurements: measurements),
                ]
            })
        #expect(calls == 2 && samples == [90, 80, 30])
        #expect(verdicts[0].passed && verdicts[0].measurements == 2)
        // The claim that held at first keeps its first verdict.
        #expect(verdicts[1].passed && verdicts[1].measurements == 1)
        #expect(ProjectClaims.remeasuredNote(2, rounds: 3).contains("re-measured: 2 measurements, 3 rounds"))
        #expect(ProjectClaims.remeasuredNote(1, rounds: 3).isEmpty)
    }

    @Test("a failure that persists is measured the most times allowed, then fails")
    func persistentFailureFails() {
        var calls = 0
        let (_, verdicts) = claims.remeasuringFailures(
            upTo: 4, measure: { calls += 1 },
            pool: { _, _ in },
            judge: { _, measurements in
                [ClaimVerdict(id: "x", claim: "never", measured: "-", passed: false, measurements: measurements)]
            })
        #expect(calls == 4 && verdicts[0].measurements == 4)
        #expect(!verdicts[0].passed)
    }

    /// A check whose probe is short, for the slowed-selector tests. Its large farm is 4,096
    /// servers: enough for a wide margin, few enough for the exact selectors' O(n) invariant
    /// checks of a debug build.
    static func quickClaims(_ regressions: Set<InjectedRegression>) -> ProjectClaims {
        var claims = ProjectClaims(length: .picks(5_000), uniformRepetitions: 2)
        claims.largeFarm = 4_096
        claims.costProbe = CostProbe(rounds: 2, roundNanoseconds: 500_000)
        claims.maximumMeasurements = 2
        claims.maximumCostMeasurements = 2
        claims.injectedRegressions = regressions
        return claims
    }

    @Test("a slowed selector counts as its base does and drains to zero")
    func slowedSelectorDelegates() throws {
        let base = try SelectorKind.buckets.makeSelector(weights: [1, 2, 3], lock: .default, seed: 1)
        let slowed = SlowedSelector(base, walks: 2)
        let picked = (0..<6).compactMap { _ in slowed.pick() }
        #expect(picked.count == 6 && base.activeConnections().reduce(0, +) == 6)
        try slowed.setWeight(0, for: picked[0])
        #expect(slowed.weights() == base.weights() && slowed.serverCount == 3)
        picked.forEach(slowed.release)
        #expect(slowed.activeConnections() == [0, 0, 0])
    }

    @Test("a regression slows only the kind it targets, as many walks as it says")
    func injectedRegressionTargets() {
        for regression in InjectedRegression.allCases {
            #expect(Set([regression]).walks(for: regression.kind) == regression.passes)
            let others = SelectorKind.allCases.filter { $0 != regression.kind }
            #expect(others.allSatisfy { Set([regression]).walks(for: $0) == nil })
        }
        let all = Set(InjectedRegression.allCases)
        #expect(all.walks(for: .roundRobin) == 8 && all.walks(for: .buckets) == 1 && all.walks(for: .partitioned) == nil)
    }

    @Test("each injected regression, through the real probe or harness, fails every claim it names, after re-measurement",
          arguments: InjectedRegression.allCases)
    func injectedRegressionCaught(_ regression: InjectedRegression) throws {
        // p2c and buckets walk 4,096 links at 4,096 servers and 64 at 64: tens of times apart;
        // min-heap walks 1,024 at 1,024 servers, linear-scan's own cost; round robin walks 512
        // (64 servers, 8 walks) against p2c's two random draws: far more than 50× its pick.
        // Only "slow" is asserted, never "fast": the claims a regression does not target may
        // fail in a debug build on a loaded machine without making this test wrong.
        let claims = Self.quickClaims([regression])
        let verdicts: [ClaimVerdict]
        if regression.claimIDs.allSatisfy({ $0.hasPrefix("2") }) {
            verdicts = try claims.costClaims()
            #expect(verdicts.contains { $0.claim.contains("4,096 servers") })
        } else {
            let (cells, uniform) = try claims.uniformClaims()
            #expect(cells.count == 4 && cells.allSatisfy { $0.allSatisfy { $0.leakedConnections == 0 } })
            verdicts = uniform
        }
        for id in regression.claimIDs {
            let failed = verdicts.contains { $0.id == id && !$0.passed && $0.measurements == 2 && $0.measured.contains("re-measured") }
            #expect(failed, "\(regression) must fail \(id): \(verdicts.filter { $0.id == id })")
        }
    }

    @Test("settings that would make a claim trap late or hold vacuously stop the process before any work")
    func settingsChecked() async {
        let repetitions = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var claims = ProjectClaims()
            claims.uniformRepetitions = 0
            _ = try? claims.run()
        }
        #expect(repetitions.map { String(decoding: $0.standardErrorContent, as: UTF8.self) }?.contains("uniformRepetitions 0") == true)
        let margin = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var claims = ProjectClaims(jainMargin: -0.1)
            claims.largeFarm = 1_000
            _ = try? claims.run()
        }
        #expect(margin.map { String(decoding: $0.standardErrorContent, as: UTF8.self) }?.contains("jainMargin -0.1") == true)
        let steps = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var claims = ProjectClaims()
            claims.replaySteps = (sixteenServers: 0, thousandServers: 20_000)
            _ = try? claims.run()
        }
        #expect(steps.map { String(decoding: $0.standardErrorContent, as: UTF8.self) }?.contains("replaySteps") == true)
        let replay = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ReplayCheck(serverCount: 0)
        }
        #expect(replay.map { String(decoding: $0.standardErrorContent, as: UTF8.self) }?.contains("serverCount 0") == true)
    }

    @Test("a spread states its lowest, highest and rounds")
    func spreadText() {
        #expect(ClaimSpread("r", of: [1.5, 0.25, 3.5]).text == "0.250–3.50 (3 rounds)")
        #expect(ClaimSpread("r", of: [0]).text == "0 (1 round)")
        #expect(ClaimSpread("r", of: [2.5, 3]).text == "2.50–3.00 (2 rounds)")
        #expect(ClaimSpread("r", of: [0, 2]).text == "0–2 (2 rounds)")
        #expect(ClaimSpread("r", of: [0.2031, 0.2034]).text == "0.203 (2 rounds)")
        #expect(ClaimSpread("r", of: [152.4, 12.26]).text == "12.3–152 (2 rounds)")
    }

    /// Mutants that failed a ratio of exactly its bound survived the tests above, whose ratios
    /// all sat well inside or well outside.
    @Test("cost: a ratio of exactly its bound holds, flat (2×) and cheaper (10× and 3×)")
    func ratiosOnTheBoundHold() {
        let onBounds = Self.samples([
            Subject(.buckets, servers: 100_000): Array(repeating: 50, count: 5),
            Subject(.p2c, servers: 100_000): Array(repeating: 50, count: 5),
            Subject(.linearScan, servers: 1_024): Array(repeating: 1_200, count: 5),
            Subject(.buckets, servers: 1_024): Array(repeating: 120, count: 5),
            Subject(.minHeap, servers: 1_024): Array(repeating: 400, count: 5),
        ])
        let verdicts = claims.costVerdicts(onBounds, measurements: 1)
        #expect(verdicts.map(\.id) == ["2a", "2b", "2c", "2d"])
        #expect(verdicts.allSatisfy { $0.passed }, "\(verdicts.map(\.measured))")
        #expect(verdicts.map { $0.measured.prefix(6) } == ["2.00× ", "2.00× ", "10.0× ", "3.00× "])
    }

    /// A mutant whose re-measurement replaced the earlier rounds instead of pooling them survived
    /// the tests above, which pooled through their own closures.
    @Test("re-measured cost rounds are pooled with the earlier ones: the fastest of all decides, every round is paired")
    func costRoundsPool() {
        let p2cLarge = Subject(.p2c, servers: 100_000)
        var pooled = Self.samples([p2cLarge: [30, 40]], rounds: 2)
        pooled.append(Self.samples([p2cLarge: [90, 80]], rounds: 2))
        #expect(pooled.cost(p2cLarge) == 30)
        #expect(pooled.pairedRatios(p2cLarge, over: Subject(.p2c, servers: 64)) == [1.2, 1.6, 3.6, 3.2])
    }

    /// A mutant that gave a spread end of exactly 10 two decimals survived the test above,
    /// which had no end between 10 and 100.
    @Test("a spread end from exactly 10 to 100 prints with one decimal")
    func spreadTextFromTen() {
        #expect(ClaimSpread("r", of: [10, 10.26]).text == "10.0–10.3 (2 rounds)")
        #expect(ClaimSpread("r", of: [9.994, 99.94]).text == "9.99–99.9 (2 rounds)")
    }
}
