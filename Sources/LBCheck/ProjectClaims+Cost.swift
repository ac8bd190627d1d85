import LBReporting
import LoadBalancing

extension ProjectClaims {
    /// The subjects of claim 2, timed together in one interleaved `CostProbe` run.
    private struct CostSubjects {
        typealias Subject = CostProbe.Subject
        let buckets64 = Subject(.buckets, servers: 64), p2c64 = Subject(.p2c, servers: 64)
        let bucketsLarge: Subject, p2cLarge: Subject
        let linear = Subject(.linearScan, servers: 1_024)
        let heap = Subject(.minHeap, servers: 1_024), buckets = Subject(.buckets, servers: 1_024)

        init(largeFarm: Int) {
            bucketsLarge = Subject(.buckets, servers: largeFarm)
            p2cLarge = Subject(.p2c, servers: largeFarm)
        }

        var all: [Subject] { [buckets64, bucketsLarge, p2c64, p2cLarge, linear, heap, buckets] }
    }

    /// Claim 2: flat costs for `buckets` and `p2c`, and the lock-based exact selectors' lead
    /// over `linear-scan`, from interleaved `CostProbe` rounds; each figure a ratio of fastest
    /// rounds (`CostSamples`), re-measured while a claim fails (`remeasuringFailures`, up to
    /// `maximumCostMeasurements`).
    func costClaims() throws -> [ClaimVerdict] {
        try remeasuringFailures(
            upTo: maximumCostMeasurements,
            measure: {
                try costProbe.measure(CostSubjects(largeFarm: largeFarm).all, injecting: injectedRegressions)
            },
            pool: { $0.append($1) },
            judge: costVerdicts
        ).verdicts
    }

    /// The verdicts of claim 2 on `cost`, which came from `measurements` probe runs.
    func costVerdicts(_ cost: CostSamples, measurements: Int) -> [ClaimVerdict] {
        typealias Subject = CostProbe.Subject
        let subjects = CostSubjects(largeFarm: largeFarm)
        func ns(_ subject: Subject) -> String { "\(NumberFormat.fixed(cost.cost(subject), decimals: 1)) ns" }
        func verdict(
            _ id: String, claim: String, _ numerator: Subject, over denominator: Subject, bound: Double,
            passed: (Double) -> Bool
        ) -> ClaimVerdict {
            let ratio = cost.ratio(numerator, over: denominator)
            let paired = cost.pairedRatios(numerator, over: denominator)
            return ClaimVerdict(
                id: id, claim: claim,
                measured: "\(BoundedFigure.fixed(ratio, decimals: ratio < 10 ? 2 : 1, against: bound))× (fastest rounds: \(ns(numerator)) "
                    + "vs \(ns(denominator)))" + Self.remeasuredNote(measurements, rounds: paired.count),
                passed: passed(ratio),
                spread: ClaimSpread("the ratio per paired round (×)", of: paired),
                measurements: measurements)
        }
        func flat(_ id: String, _ at64: Subject, _ large: Subject) -> ClaimVerdict {
            verdict(
                id, claim: "\(at64.kind) pick + release at \(NumberFormat.grouped(large.servers)) servers costs at most 2× "
                    + "its cost at 64",
                large, over: at64, bound: 2, passed: { $0 <= 2 })
        }
        func faster(_ id: String, _ subject: Subject, by factor: Double) -> ClaimVerdict {
            let linear = subjects.linear
            return verdict(
                id, claim: "\(subject.kind) (\(subject.lock)) at least \(NumberFormat.fixed(factor, decimals: 0))× "
                    + "cheaper than linear-scan (\(linear.lock)) at 1,024 servers",
                linear, over: subject, bound: factor, passed: { $0 >= factor })
        }
        return [
            flat("2a", subjects.buckets64, subjects.bucketsLarge),
            flat("2b", subjects.p2c64, subjects.p2cLarge),
            faster("2c", subjects.buckets, by: 10),
            faster("2d", subjects.heap, by: 3),
        ]
    }
}
