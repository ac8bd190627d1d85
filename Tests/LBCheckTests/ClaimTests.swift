import Foundation
@testable import LBCheck
import LBHarness
import LBReporting
import LoadBalancing
import Testing

/// The verdict logic of `lbbench check`, on hand-made results: each claim must FAIL when the
/// figures contradict it, not only PASS on a healthy build.
@Suite("lbbench check: the claims")
struct ClaimTests {
    static func run(
        _ selector: SelectorKind, threads: Int = 1, jainLoad: Double = 1, meanPickNs: Double = 40,
        picks: [Int] = [1, 1, 1, 1], lock: LockKind? = nil, leaked: Int = 0
    ) -> RunResult {
        let latency = LatencySummary(p50: UInt64(meanPickNs), p90: 0, p99: 0, p999: 0, max: 0, mean: meanPickNs)
        return RunResult(
            selector: selector, lock: lock, workload: .uniform, servers: picks.count, threads: threads,
            concurrency: 8, weights: Array(repeating: 1, count: picks.count), seed: 1, picks: picks.reduce(0, +),
            seconds: 1, picksPerSecond: 1, scalingVsOneThread: nil, pickLatencyNs: latency, releaseLatencyNs: latency,
            contention: .init(lockContendedFraction: nil, lockWaitNsPerPick: nil, casRetriesPerPick: nil),
            fairness: .init(jainAssignments: 1, jainLoad: jainLoad, peakToMeanLoad: 1),
            perServer: .init(picks: picks, meanActive: picks.map(Double.init)), leakedConnections: leaked,
            unservedPicks: 0, workersOverlapped: threads, cpuParallelism: Double(threads), loadSamples: 1,
            loadSampleInterval: 1)
    }

    /// One `mixed` cell per kind: round robin at `roundRobin`, p2c at `p2c`, the rest at 1.
    static func mixed(roundRobin: Double, p2c: Double, lowest: Double = 1) -> [RunResult] {
        SelectorKind.allCases.map { kind in
            switch kind {
            case .roundRobin: run(kind, jainLoad: roundRobin)
            case .p2c: run(kind, jainLoad: p2c)
            case .sharded: run(kind, jainLoad: lowest)
            default: run(kind, jainLoad: 1)
            }
        }
    }

    let claims = ProjectClaims()

    @Test("mixed: passes when least connections is clearly fairer and p2c between")
    func mixedHolds() {
        #expect(claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.92)).allSatisfy { $0.passed })
    }

    @Test("mixed: fails when a least-connections selector is within the margin of round robin")
    func mixedMarginFails() {
        let verdicts = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.9, lowest: 0.84))
        #expect(!verdicts[0].passed && verdicts[0].measured.contains("sharded"))
    }

    @Test("mixed: p2c counts among the least-connections selectors held to the margin")
    func mixedMarginIncludesP2C() {
        // p2c 0.01 above round robin is still between it and the exact selectors, but not 0.05 above.
        let verdicts = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.81))
        #expect(!verdicts[0].passed && verdicts[0].measured.contains("p2c"), "\(verdicts[0].measured)")
        #expect(verdicts[1].passed)
    }

    @Test("mixed: fails when p2c is not between round robin and the exact selectors, and says in which order")
    func mixedP2CFails() {
        let below = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.79))[1]
        #expect(!below.passed && below.measured == "round-robin 0.800 > p2c 0.790 < linear-scan 1.000", "\(below.measured)")
        let above = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 1.0))[1]
        #expect(!above.passed && above.measured == "round-robin 0.800 < p2c 1.000 = linear-scan 1.000", "\(above.measured)")
        let close = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8004, p2c: 0.8002))[1]
        #expect(!close.passed && close.measured.hasPrefix("round-robin 0.8004 > p2c 0.8002"), "\(close.measured)")
    }

    @Test("mixed: the gap to round robin prints with its sign, and exactly the margin holds")
    func mixedMarginText() {
        let lessFair = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.9, lowest: 0.75))[0]
        #expect(!lessFair.passed && lessFair.measured.hasSuffix("sharded 0.750 (-0.050)"), "\(lessFair.measured)")
        // 0.85 − 0.80 is 0.04999999999999993 in binary: still 0.05 above.
        let onMargin = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.92, lowest: 0.85))[0]
        #expect(onMargin.passed && onMargin.measured.hasSuffix("(+0.050)"), "\(onMargin.measured)")
        // Just short of the margin prints short of it.
        let short = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.92, lowest: 0.8496))[0]
        #expect(!short.passed && short.measured.hasSuffix("(+0.0496)"), "\(short.measured)")
    }

    /// One `uniform` repetition: round robin at `roundRobinNs` and `roundRobinJain`, the
    /// others at 40 ns and `jain` (1 unless named).
    static func uniform(roundRobinNs: Double = 30, roundRobinJain: Double = 1, jain: [SelectorKind: Double] = [:]) -> [RunResult] {
        SelectorKind.allCases.map { kind in
            kind.category == .baseline
                ? run(kind, jainLoad: roundRobinJain, meanPickNs: roundRobinNs)
                : run(kind, jainLoad: jain[kind] ?? 1, meanPickNs: 40)
        }
    }

    @Test("uniform: fails when round robin's pick costs over 1.1× the cheapest other, or it is less fair")
    func uniformFails() {
        #expect(claims.uniformCostClaim([Self.uniform()]).passed && claims.uniformFairnessClaim([Self.uniform()]).passed)
        #expect(claims.uniformCostClaim([Self.uniform(roundRobinNs: 44)]).passed)
        #expect(!claims.uniformCostClaim([Self.uniform(roundRobinNs: 44.5)]).passed)
        #expect(!claims.uniformFairnessClaim([Self.uniform(roundRobinJain: 0.95)]).passed)
    }

    @Test("uniform: round robin is held to the fairest exact selector, not the least fair one")
    func uniformFairnessAgainstEveryExactSelector() {
        // A broken min-heap as unfair as round robin must not make the claim easier.
        let verdict = claims.uniformFairnessClaim([Self.uniform(roundRobinJain: 0.7, jain: [.minHeap: 0.7, .linearScan: 0.999, .buckets: 0.999])])
        #expect(!verdict.passed && verdict.measured.contains("fairest exact: linear-scan 0.999"), "\(verdict.measured)")
        #expect(verdict.measured.contains("(-0.299)"), "\(verdict.measured)")
    }

    @Test("uniform: a jainLoad gap just past 0.01 prints past it, not as 0.010")
    func uniformFairnessGapPrintsItsSide() {
        func exact(_ jain: Double) -> [SelectorKind: Double] {
            Dictionary(uniqueKeysWithValues: ProjectClaims.exactKinds.map { ($0, jain) })
        }
        let verdict = claims.uniformFairnessClaim([Self.uniform(roundRobinJain: 0.97985, jain: exact(0.9899))])
        #expect(!verdict.passed && !verdict.measured.contains("(-0.010)") && verdict.measured.contains("(-0.01"), "\(verdict.measured)")
        // Exactly 0.01 below (in decimal) holds.
        #expect(claims.uniformFairnessClaim([Self.uniform(roundRobinJain: 0.98, jain: exact(0.99))]).passed)
    }

    @Test("uniform: only the pick latency is re-measured; the deterministic jainLoad is judged once")
    func uniformFairnessJudgedOnce() {
        var calls = 0
        let (cells, verdicts) = claims.uniformClaims {
            calls += 1
            return [Self.uniform(roundRobinJain: 0.9)]
        }
        #expect(calls == 1 && cells.count == 1 && !verdicts[1].passed && verdicts[1].measurements == 1)
        calls = 0
        let (_, slow) = claims.uniformClaims {
            calls += 1
            return [Self.uniform(roundRobinNs: 60, roundRobinJain: 0.9)]
        }
        #expect(calls == claims.maximumMeasurements && slow[0].measurements == calls)
        #expect(!slow[1].passed && slow[1].measurements == 1 && !slow[1].measured.contains("re-measured"), "\(slow[1])")
    }

    @Test("weights 1,2,3,4: passes on proportional picks, fails 2.5% off")
    func weightShares() {
        let exact = ProjectClaims.exactKinds.map { Self.run($0, picks: [1_000, 2_000, 3_000, 4_000], lock: .mutex) }
        #expect(claims.weightShareClaims(exact).allSatisfy { $0.passed })
        // Weight 1 gets 10.25% of the picks instead of 10%: 2.5% relative.
        let skewed = ProjectClaims.exactKinds.map { Self.run($0, picks: [1_025, 2_000, 3_000, 3_975], lock: .mutex) }
        #expect(claims.weightShareClaims(skewed).allSatisfy { !$0.passed })
    }

    @Test("weights 1,2,3,4: the gap prints on its side of 2%, and exactly 2% holds")
    func weightShareGapText() {
        // Weight 1: 25,501 of 250,000 picks, 2.004% above its 10%.
        let over = ProjectClaims.exactKinds.map { Self.run($0, picks: [25_501, 50_000, 75_000, 99_499], lock: .mutex) }
        let verdict = claims.weightShareClaims(over)[0]
        #expect(!verdict.passed && verdict.measured.hasPrefix("largest gap 2.004%"), "\(verdict.measured)")
        let onBound = ProjectClaims.exactKinds.map { Self.run($0, picks: [25_500, 50_000, 75_000, 99_500], lock: .mutex) }
        #expect(claims.weightShareClaims(onBound).allSatisfy { $0.passed && $0.measured.hasPrefix("largest gap 2.00%") })
    }

    @Test("claims 5 and 7 state the tolerance they judge by, not a copy of it")
    func weightShareClaimsStateTheirTolerance() throws {
        #expect(ProjectClaims.weightShareToleranceText == "2%")
        let stated = "within \(ProjectClaims.weightShareToleranceText) (relative) of its weight share"
        let exact = ProjectClaims.exactKinds.map { Self.run($0, picks: [1_000, 2_000, 3_000, 4_000], lock: .mutex) }
        #expect(claims.weightShareClaims(exact).allSatisfy { $0.claim.contains(stated) })
        let light = ProjectClaims(length: .picks(20_000))
        let verdicts = light.lightLoadWeightClaims(try light.lightLoadWeightCells())
        #expect(!verdicts.isEmpty && verdicts.allSatisfy { $0.claim.contains(stated) })
    }

    @Test("weights 1,2,3,4: a cell without a single pick fails, not passes on 0 ÷ 0")
    func weightSharesWithoutPicks() {
        var exact = ProjectClaims.exactKinds.map { Self.run($0, picks: [1_000, 2_000, 3_000, 4_000], lock: .mutex) }
        exact[0] = Self.run(exact[0].selector, picks: [0, 0, 0, 0], lock: .mutex)
        let verdicts = claims.weightShareClaims(exact)
        #expect(!verdicts[0].passed, "\(verdicts[0].measured)")
        #expect(verdicts.dropFirst().allSatisfy { $0.passed })
    }

    @Test("claim 7 on the real selectors: every light-load case passes, repeated weights included; 2.5% off fails")
    func lightLoadWeights() throws {
        let light = ProjectClaims(length: .picks(20_000))
        let verdicts = light.lightLoadWeightClaims(try light.lightLoadWeightCells())
        #expect(verdicts.count == ProjectClaims.lightLoadCases.count * ProjectClaims.exactKinds.count)
        let failures = verdicts.filter { !$0.passed }
        #expect(failures.isEmpty, "\(failures)")
        #expect(verdicts.contains { $0.claim.contains("weights 1,2,3,4,1,2,3,4 and 3 connections in flight on 8 servers") })
        // Proportional picks pass; the weight-4 servers 2.5% off in one case fail that case only.
        let made = ProjectClaims.lightLoadCases.flatMap { lightLoad in
            ProjectClaims.exactKinds.map { kind in
                let skewed = kind == .buckets && lightLoad.weights.count == 8 && lightLoad.concurrency == 2
                var cell = Self.run(
                    kind, picks: skewed ? [500, 1_000, 1_500, 1_950, 500, 1_000, 1_500, 2_050] : lightLoad.weights.map { $0 * 500 },
                    lock: .mutex)
                cell.weights = lightLoad.weights
                cell.concurrency = lightLoad.concurrency
                return cell
            }
        }
        let failed = light.lightLoadWeightClaims(made).filter { !$0.passed }
        #expect(failed.count == 1 && failed[0].claim.contains("buckets with weights 1,2,3,4,1,2,3,4 and 2 connections"), "\(failed)")
    }

    @Test("a leaked connection fails claim 6")
    func leak() {
        #expect(claims.leakClaim([Self.run(.buckets)]).passed)
        #expect(!claims.leakClaim([Self.run(.buckets), Self.run(.p2c, leaked: 1)]).passed)
    }

    @Test("the replay matches the reference for every exact kind and lock", arguments: ProjectClaims.exactKinds, LockKind.allCases)
    func replay(kind: SelectorKind, lock: LockKind) throws {
        let outcome = try ReplayCheck(serverCount: 7, steps: 20_000, seed: 3).run(kind, lock: lock)
        #expect(outcome.mismatches == 0 && outcome.picks > 9_000, "\(outcome)")
    }

    @Test("the replay reports a selector that is not the reference's twin")
    func replayCatchesADifferentSelector() throws {
        // p2c is not exact: it must disagree with the reference somewhere.
        let outcome = try ReplayCheck(serverCount: 7, steps: 20_000, seed: 3).run(.p2c)
        #expect(outcome.mismatches == 1 && outcome.firstMismatch != nil)
    }

    @Test("the report says FAIL and passed is false when one claim fails")
    func report() throws {
        let verdicts = [
            ClaimVerdict(id: "1", claim: "a", measured: "x", passed: true),
            ClaimVerdict(
                id: "2", claim: "b | c", measured: "y", passed: false, spread: ClaimSpread("ratio", of: [2.5, 3]),
                measurements: 3),
        ]
        let report = CheckReport(machine: MachineContext.current(), seconds: 1, claims: verdicts, runs: [])
        #expect(!report.passed)
        let markdown = try report.rendered(.markdown)
        #expect(markdown.contains("| 1 | a | x | — | PASS |"))
        #expect(markdown.contains("| 2 | b \\| c | y | ratio: 2.50–3.00 (2 rounds) | **FAIL** |"))
        #expect(markdown.contains("1 of 2 claims FAILED"))
        let json = try report.rendered(.json)
        #expect(json.contains("\"schema\" : \"lbbench.check/1\"") && json.contains("\"passed\" : false"))
        #expect(json.contains("\"measurements\" : 3") && json.contains("\"high\" : 3") && json.contains("\"rounds\" : 2"))
        // A claim without a spread still carries the key, as null (docs/formats.md).
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let claims = try #require(root["claims"] as? [[String: Any]])
        #expect(claims.allSatisfy { Set($0.keys) == ["id", "claim", "measured", "passed", "spread", "measurements"] })
        #expect(claims[0]["spread"] is NSNull)
    }

    /// A mutant that let p2c level with round robin pass claim 3's ordering survived the tests
    /// above, where p2c was always strictly on one side.
    @Test("mixed: p2c level with round robin is not between it and the exact selectors")
    func mixedP2CLevelFails() {
        let level = claims.mixedFairnessClaims(Self.mixed(roundRobin: 0.8, p2c: 0.8))[1]
        #expect(!level.passed && level.measured == "round-robin 0.800 = p2c 0.800 < linear-scan 1.000", "\(level.measured)")
    }

    /// A mutant that judged claim 4 on each selector's slowest run survived the tests above,
    /// whose repetitions were alike.
    @Test("uniform cost: each selector's fastest run decides, so one slow run of round robin cannot fail claim 4")
    func uniformCostFastestRun() {
        let repetitions = [40.0, 100].map { roundRobin in
            SelectorKind.allCases.map { Self.run($0, meanPickNs: $0 == .roundRobin ? roundRobin : 38) }
        }
        let verdict = claims.uniformCostClaim(repetitions)
        #expect(verdict.passed, "\(verdict.measured)")
        #expect(verdict.measured.hasPrefix("round-robin 40.0 ns; cheapest other:"), "\(verdict.measured)")
    }

    /// A mutant that judged claim 4's fairness on each selector's fairest run survived the tests
    /// above, whose repetitions were alike.
    @Test("uniform fairness: the median run decides, so one fair run of round robin cannot pass claim 4")
    func uniformFairnessMedianRun() {
        let repetitions = [0.9, 0.95, 1.0].map { roundRobin in
            SelectorKind.allCases.map { Self.run($0, jainLoad: $0 == .roundRobin ? roundRobin : 1) }
        }
        let verdict = claims.uniformFairnessClaim(repetitions)
        #expect(!verdict.passed && verdict.measured.hasPrefix("round-robin 0.950;"), "\(verdict.measured)")
    }

    /// A mutant whose claim 6 passed with picks left unserved survived the suite: no test made
    /// an unserved pick.
    @Test("claim 6 fails on an unserved pick as on a leaked connection")
    func unservedPickFails() {
        var unserved = Self.run(.linearScan)
        unserved.unservedPicks = 1
        let verdict = claims.leakClaim([Self.run(.buckets), unserved])
        #expect(!verdict.passed && verdict.measured == "2 cells: 0 leaked, 1 unserved", "\(verdict.measured)")
        #expect(claims.leakClaim([Self.run(.buckets), Self.run(.linearScan)]).passed)
    }

    /// Mutants that failed a gap of exactly 2% in claim 7, and pooled the cells of every
    /// concurrency with the same weights, survived the fast tests: only the slow test on the real
    /// selectors (above) judged claim 7, and its cases all passed or all failed together.
    @Test("claim 7 on hand-made cells: each case judged on its own cells; exactly 2% holds")
    func lightLoadWeightsOnHandMadeCells() {
        func cells(_ weights: [Int], concurrency: Int, picks: [Int]) -> [RunResult] {
            ProjectClaims.exactKinds.map { kind in
                var run = Self.run(kind, picks: picks, lock: .mutex)
                run.weights = weights
                run.concurrency = concurrency
                return run
            }
        }
        let four = ProjectClaims.shareWeights
        let eight = four + four
        #expect(ProjectClaims.lightLoadCases.map(\.concurrency) == [1, 2, 2, 3])
        let proportional = [500, 1_000, 1_500, 2_000, 500, 1_000, 1_500, 2_000]
        let runs = cells(four, concurrency: 1, picks: [25_500, 50_000, 75_000, 99_500])  // weight 1 exactly 2% over
            + cells(four, concurrency: 2, picks: [1_025, 2_000, 3_000, 3_975])  // weight 1 2.5% over
            + cells(eight, concurrency: 2, picks: proportional) + cells(eight, concurrency: 3, picks: proportional)
        let verdicts = claims.lightLoadWeightClaims(runs)
        let perCase = ProjectClaims.exactKinds.count
        #expect(verdicts.count == 4 * perCase)
        #expect(verdicts[0..<perCase].allSatisfy { $0.passed && $0.measured.hasPrefix("largest gap 2.00%") },
                "\(verdicts[0..<perCase].map(\.measured))")
        #expect(verdicts[perCase..<(2 * perCase)].allSatisfy { !$0.passed })
        #expect(verdicts[(2 * perCase)...].allSatisfy { $0.passed })
    }

    /// A mutant that ran claim 4's uniform cells for as little as 10 picks survived the suite:
    /// no test read their length.
    @Test("claim 4's uniform runs last an eighth of the check's length, and at least 1,000 picks")
    func uniformRunLength() throws {
        var check = ProjectClaims(length: .picks(4_000), uniformRepetitions: 1)
        #expect(try check.uniformCells().flatMap(\.self).allSatisfy { $0.picks == 1_000 })
        check.length = .picks(16_000)
        #expect(try check.uniformCells().flatMap(\.self).allSatisfy { $0.picks == 2_000 })
    }

    /// A mutant that replayed claim 1 under the default lock only survived the suite, although
    /// the claim names all three: no test counted its replays (at their full length they take
    /// about 5 minutes in a debug build; `replaySteps` makes them short here).
    @Test("claim 1 replays every exact selector under every lock, on both farms")
    func replaysEveryLock() throws {
        var check = ProjectClaims()
        check.replaySteps = (sixteenServers: 2_000, thousandServers: 200)
        let verdicts = try check.replayClaims()
        #expect(verdicts.count == ProjectClaims.exactKinds.count)
        for verdict in verdicts {
            #expect(verdict.passed, "\(verdict.measured)")
            #expect(verdict.spread?.rounds == LockKind.allCases.count * 2, "one replay per lock and farm")
            #expect(verdict.claim.contains("(\(LockKind.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
    }
}
