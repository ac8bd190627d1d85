import LBReporting
import LoadBalancing

extension ProjectClaims {
    /// Claim 2: flat costs for `buckets` and `p2c`, and the lock-based exact selectors' lead
    /// over `linear-scan`, from one interleaved `CostProbe` run.
    func costClaims() throws -> [ClaimVerdict] {
        typealias Subject = CostProbe.Subject
        let small = Subject(.buckets, servers: 64), huge = Subject(.buckets, servers: 100_000)
        let p2cSmall = Subject(.p2c, servers: 64), p2cHuge = Subject(.p2c, servers: 100_000)
        let linear = Subject(.linearScan, servers: 1_024)
        let heap = Subject(.minHeap, servers: 1_024), buckets = Subject(.buckets, servers: 1_024)
        let cost = try CostProbe(rounds: 11).measure([small, huge, p2cSmall, p2cHuge, linear, heap, buckets])

        func ns(_ subject: Subject) -> String { "\(Formatting.decimal(cost[subject]!, digits: 1)) ns" }
        func flat(_ id: String, _ at64: Subject, _ at100k: Subject) -> ClaimVerdict {
            let ratio = cost[at100k]! / cost[at64]!
            return ClaimVerdict(
                id: id,
                claim: "\(at64.kind) pick + release at 100,000 servers costs at most 2× its cost at 64",
                measured: "\(Formatting.decimal(ratio, digits: 2))× (\(ns(at100k)) vs \(ns(at64)))",
                passed: ratio <= 2)
        }
        func faster(_ id: String, _ subject: Subject, by factor: Double) -> ClaimVerdict {
            let ratio = cost[linear]! / cost[subject]!
            return ClaimVerdict(
                id: id,
                claim: "\(subject.kind) (\(subject.lock)) at least \(Formatting.decimal(factor, digits: 0))× cheaper "
                    + "than linear-scan (\(linear.lock)) at 1,024 servers",
                measured: "\(Formatting.decimal(ratio, digits: 1))× (\(ns(subject)) vs \(ns(linear)))",
                passed: ratio >= factor)
        }
        return [
            flat("2a", small, huge),
            flat("2b", p2cSmall, p2cHuge),
            faster("2c", buckets, by: 10),
            faster("2d", heap, by: 3),
        ]
    }
}
