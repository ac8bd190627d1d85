/// The comparisons the targets are about, computed from a report's rows.
///
/// - Note: A value; thread-safe.
public struct LiveFindings: Sendable {
    /// One balancer's least-connections row against its round-robin row.
    public struct ShortP99: Sendable, Equatable {
        public var balancer: String
        /// The short requests' p99 under each, in seconds, over all of each row's short requests.
        public var leastConnections: Double
        public var roundRobin: Double
        /// How many short requests each p99 rests on.
        public var leastConnectionsCount: Int
        public var roundRobinCount: Int
        /// Window segments in which both rows have a p99 (the same seconds of the machine when
        /// the rows ran side by side), and how many of those least connections' is below.
        public var segmentsCompared: Int
        public var segmentsBelow: Int
    }

    /// Per balancer with both a least-connections and a round-robin row (its first of each).
    public var shortP99: [ShortP99]
    /// lbbench's least-connections busiest ÷ average in-flight over HAProxy leastconn's.
    public var busiestRatioVersusHAProxy: Double?
    /// The simulator's busiest ÷ average for lbbench's least-connections row (its selector) and
    /// for HAProxy's (`haproxy-leastconn`), over the simulated run; `nil` without both.
    public var predictedBusiest: (lbbench: Double, haproxy: Double)?
    /// The ratio `busiestRatioVersusHAProxy` as the simulator predicts it, from `predictedBusiest`.
    public var predictedBusiestRatioVersusHAProxy: Double? {
        predictedBusiest.map { $0.lbbench / $0.haproxy }
    }

    public init(_ rows: [LiveRowResult]) {
        var balancers: [String] = []
        for row in rows where !balancers.contains(row.balancer) { balancers.append(row.balancer) }
        shortP99 = balancers.compactMap { balancer -> ShortP99? in
            let own = rows.filter { $0.balancer == balancer }
            guard let least = own.first(where: { $0.family == .leastConnections }),
                let robin = own.first(where: { $0.family == .roundRobin }),
                let leastShort = least.short, let robinShort = robin.short
            else { return nil }
            let pairs = zip(least.segments, robin.segments).compactMap { pair -> (Double, Double)? in
                guard let lower = pair.0.shortP99, let upper = pair.1.shortP99 else { return nil }
                return (lower, upper)
            }
            return ShortP99(
                balancer: balancer, leastConnections: leastShort.p99, roundRobin: robinShort.p99,
                leastConnectionsCount: leastShort.count, roundRobinCount: robinShort.count,
                segmentsCompared: pairs.count, segmentsBelow: pairs.filter { $0.0 < $0.1 }.count
            )
        }
        let ours = rows.first { $0.balancer == BalancerChoice.lbbench.rawValue && $0.family == .leastConnections }
        let theirs = rows.first { $0.balancer == BalancerChoice.haproxy.rawValue && $0.family == .leastConnections }
        if let ours, let theirs, theirs.busiestOverAverage > 0 {
            busiestRatioVersusHAProxy = ours.busiestOverAverage / theirs.busiestOverAverage
        }
        if let own = ours?.prediction?.busiestOverAverageInFlight,
            let peer = theirs?.prediction?.busiestOverAverageInFlight, peer > 0 {
            predictedBusiest = (own, peer)
        }
    }

    /// One line per finding, for the top of the Markdown report.
    public var lines: [String] {
        var lines = shortP99.map { finding in
            let verdict = finding.leastConnections < finding.roundRobin ? "below" : "NOT below"
            return "\(finding.balancer): least connections' short-request p99 "
                + "\(LiveFormat.milliseconds(finding.leastConnections)) ms is \(verdict) round robin's "
                + "\(LiveFormat.milliseconds(finding.roundRobin)) ms (over \(finding.leastConnectionsCount) and "
                + "\(finding.roundRobinCount) short requests); below in \(finding.segmentsBelow) of "
                + "\(finding.segmentsCompared) window segments"
        }
        if let ratio = busiestRatioVersusHAProxy {
            var line = "lbbench's least-connections busiest ÷ average in-flight is \(LiveFormat.number(ratio))× "
                + "HAProxy leastconn's (\(abs(ratio - 1) <= 0.1 ? "within" : "outside") 10%)"
            if let predicted = predictedBusiestRatioVersusHAProxy, let pair = predictedBusiest {
                line += "; the simulator predicts \(LiveFormat.number(predicted))× (\(LiveFormat.number(pair.lbbench)) "
                    + "against \(LiveFormat.number(pair.haproxy)) with HAProxy's rule, over its whole run, which a measured "
                    + "window scatters around: scripts/busiest-spread.sh)"
            }
            lines.append(line)
        }
        return lines
    }
}
