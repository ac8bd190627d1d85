import LBSimulation

/// The comparisons the issue's targets are about, computed from a report's rows.
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
    /// The simulated window-to-window scatter of that ratio (`LiveReport.busiestBand`).
    public var busiestBand: BusiestRatioBand?
    /// lbbench's rows (algorithm, `LiveRowResult.unreleasedPicks`): what each proxy's selector
    /// still counted after the run; every figure 0 when every pick was released exactly once.
    public var unreleasedPicks: [(algorithm: String, picks: Int)]

    /// One row the machine did not keep up with: more than `overloadShare` of the requests sent
    /// to it unfinished when the drain ended, or failed.
    public struct OverloadedRow: Sendable, Equatable {
        public var balancer: String
        public var algorithm: String
        public var sent: Int
        /// Unfinished and failed requests.
        public var lost: Int
    }

    /// The share of a row's requests unfinished or failed above which the row is overloaded: 5%
    /// (a default run leaves a few long requests of thousands unfinished, well under 1%).
    public static let overloadShare = 0.05
    /// The generator's mean lateness above which it did not send on schedule: 1 ms (a default
    /// run's is about 0.1 ms, against 12 ms between arrivals).
    public static let lateGeneratorSeconds = 0.001
    /// Rows over `overloadShare`, in report order.
    public var overloadedRows: [OverloadedRow]
    /// The generator's largest mean and worst lateness over the rows, in seconds, when the mean
    /// exceeds `lateGeneratorSeconds`; `nil` otherwise (and for a closed loop, which is never late).
    public var lateGenerator: (mean: Double, worst: Double)?

    /// The rows the busiest ÷ average finding compares: lbbench's first least-connections row
    /// and HAProxy's (leastconn); `nil` without both.
    static func comparedRows(_ rows: [LiveRowResult]) -> (ours: LiveRowResult, theirs: LiveRowResult)? {
        let ours = rows.first { $0.balancer == BalancerChoice.lbbench.rawValue && $0.family == .leastConnections }
        let theirs = rows.first { $0.balancer == BalancerChoice.haproxy.rawValue && $0.family == .leastConnections }
        guard let ours, let theirs else { return nil }
        return (ours, theirs)
    }

    /// The simulator's routers of `comparedRows` (from their predictions); `nil` without both.
    static func comparedRouters(_ rows: [LiveRowResult]) -> (own: RouterKind, peer: RouterKind)? {
        guard let (ours, theirs) = comparedRows(rows),
            let own = ours.prediction.flatMap({ RouterKind(name: $0.router) }),
            let peer = theirs.prediction.flatMap({ RouterKind(name: $0.router) })
        else { return nil }
        return (own, peer)
    }

    /// The findings of `rows`, with `band` (the run's `LiveReport.busiestBand`) beside the
    /// busiest ÷ average ratio.
    public init(_ rows: [LiveRowResult], band: BusiestRatioBand? = nil) {
        busiestBand = band
        unreleasedPicks = rows.compactMap { row in row.unreleasedPicks.map { (row.algorithm, $0) } }
        overloadedRows = rows.compactMap { row in
            let lost = row.unfinished + row.errors
            guard row.sent > 0, Double(lost) > Self.overloadShare * Double(row.sent) else { return nil }
            return OverloadedRow(balancer: row.balancer, algorithm: row.algorithm, sent: row.sent, lost: lost)
        }
        let meanLag = rows.map(\.generatorMeanLag).max() ?? 0
        lateGenerator = meanLag > Self.lateGeneratorSeconds ? (meanLag, rows.map(\.generatorMaximumLag).max() ?? meanLag) : nil
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
        let compared = Self.comparedRows(rows)
        if let (ours, theirs) = compared, theirs.busiestOverAverage > 0 {
            busiestRatioVersusHAProxy = ours.busiestOverAverage / theirs.busiestOverAverage
        }
        if let own = compared?.ours.prediction?.busiestOverAverageInFlight,
            let peer = compared?.theirs.prediction?.busiestOverAverageInFlight, peer > 0 {
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
                + "HAProxy leastconn's (\(BusiestRatioBand.isWithinTenPercent(ratio) ? "within" : "outside") 10%)"
            if let predicted = predictedBusiestRatioVersusHAProxy, let pair = predictedBusiest {
                line += "; the simulator predicts \(LiveFormat.number(predicted))× (\(LiveFormat.number(pair.lbbench)) "
                    + "against \(LiveFormat.number(pair.haproxy)) with HAProxy's rule, over its whole run, which a measured "
                    + "window scatters around: scripts/busiest-spread.sh)"
            }
            if let band = busiestBand {
                line += "; in \(band.windows) simulated windows of this run's length (\(band.requestsPerWindow) requests, "
                    + "both rules on the same requests) that ratio spans \(LiveFormat.number(band.p5))–"
                    + "\(LiveFormat.number(band.p95)) (5th–95th percentile, median \(LiveFormat.number(band.p50)); "
                    + "within 10% in \(band.withinTenPercent) of \(band.windows)), so this run's "
                    + "\(LiveFormat.number(ratio))× is \(band.contains(ratio) ? "inside" : "OUTSIDE") the window-to-window scatter"
            }
            lines.append(line)
        }
        if let overload = overloadLine { lines.insert(overload, at: 0) }
        if !unreleasedPicks.isEmpty {
            let missed = unreleasedPicks.filter { $0.picks != 0 }
            lines.append(missed.isEmpty
                ? "lbbench's proxy released every pick: once the generator had closed its connections, its "
                    + "selector\(unreleasedPicks.count == 1 ? "" : "s") counted 0 connections"
                : "lbbench's proxy MISSED RELEASES: after the run its selectors still counted "
                    + missed.map { "\($0.picks) under \($0.algorithm)" }.joined(separator: ", ")
                    + " (every pick must be released exactly once)")
        }
        return lines
    }

    /// The warning that the machine did not keep up with the offered load, or `nil` when it did.
    var overloadLine: String? {
        guard lateGenerator != nil || !overloadedRows.isEmpty else { return nil }
        var causes: [String] = []
        if let late = lateGenerator {
            causes.append("the load generator sent \(LiveFormat.milliseconds(late.mean)) ms late on average (up to "
                + "\(LiveFormat.milliseconds(late.worst)) ms; busy, or waiting for a connection), so arrivals were not "
                + "the Poisson process asked for")
        }
        causes += overloadedRows.map { row in
            "\(row.balancer) \(row.algorithm) left \(row.lost) of \(row.sent) requests unfinished or failed "
                + "(\(Int((Double(row.lost) / Double(row.sent) * 100).rounded()))%)"
        }
        return "OVERLOADED: this machine did not keep up with the offered load: " + causes.joined(separator: "; ")
            + "; these figures describe the machine, not the algorithms: lower --utilization, raise --unit-ms, "
            + "or run fewer rows (--balancers, --selectors)"
    }
}
