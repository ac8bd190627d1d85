/// The comparisons the targets are about, computed from a report's rows.
///
/// - Note: A value; thread-safe.
public struct LiveFindings: Sendable {
    /// Per balancer with both a least-connections and a round-robin row: the short requests'
    /// p99 under each (seconds).
    public var shortP99: [(balancer: String, leastConnections: Double, roundRobin: Double)]
    /// lbbench's least-connections busiest ÷ average in-flight over HAProxy leastconn's.
    public var busiestRatioVersusHAProxy: Double?

    public init(_ rows: [LiveRowResult]) {
        var shortP99: [(String, Double, Double)] = []
        var balancers: [String] = []
        for row in rows where !balancers.contains(row.balancer) { balancers.append(row.balancer) }
        for balancer in balancers {
            let own = rows.filter { $0.balancer == balancer }
            if let least = own.first(where: { $0.family == .leastConnections })?.short?.p99,
                let robin = own.first(where: { $0.family == .roundRobin })?.short?.p99
            {
                shortP99.append((balancer, least, robin))
            }
        }
        self.shortP99 = shortP99
        let ours = rows.first { $0.balancer == BalancerChoice.lbbench.rawValue && $0.family == .leastConnections }
        let theirs = rows.first { $0.balancer == BalancerChoice.haproxy.rawValue && $0.family == .leastConnections }
        if let ours, let theirs, theirs.busiestOverAverage > 0 {
            busiestRatioVersusHAProxy = ours.busiestOverAverage / theirs.busiestOverAverage
        }
    }

    /// One line per finding, for the top of the Markdown report.
    public var lines: [String] {
        var lines = shortP99.map { finding in
            let verdict = finding.leastConnections < finding.roundRobin ? "below" : "NOT below"
            return "\(finding.balancer): least connections' short-request p99 "
                + "\(LiveFormat.milliseconds(finding.leastConnections)) ms is \(verdict) round robin's "
                + "\(LiveFormat.milliseconds(finding.roundRobin)) ms"
        }
        if let ratio = busiestRatioVersusHAProxy {
            lines.append("lbbench's least-connections busiest ÷ average in-flight is \(LiveFormat.number(ratio))× "
                + "HAProxy leastconn's (\(abs(ratio - 1) <= 0.1 ? "within" : "outside") 10%)")
        }
        return lines
    }
}
