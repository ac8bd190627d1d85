import LBReporting

/// Periodic snapshots of every server's active connections, accumulated into the load
/// fairness figures: `jainLoad`, `peakToMeanLoad` and each server's mean active count.
///
/// Instantaneous load is what shows round robin piling slow requests onto one server: its
/// *assignments* stay perfectly even while the *active counts* drift apart. Each snapshot is
/// reduced to its two fairness figures at once, so memory does not grow with the run.
///
/// - Complexity: `record` O(n) for n servers. Memory: 8 bytes per server.
/// - Note: Not thread-safe: kept by the one worker that samples.
public struct LoadSamples: Sendable {
    /// One weight per server; drained servers (0) are left out of the fairness figures.
    public let weights: [Int]
    /// Snapshots recorded.
    public private(set) var count = 0
    private var jainSum = 0.0
    private var peakToMeanSum = 0.0
    private var activeSums: [Double]

    public init(weights: [Int]) {
        self.weights = weights
        activeSums = Array(repeating: 0, count: weights.count)
    }

    /// Adds one snapshot: `active[i]` is server i's active connections at one moment.
    ///
    /// - Precondition: `active.count == weights.count`.
    public mutating func record(_ active: [Int]) {
        precondition(active.count == weights.count, "one active count per server")
        var snapshot = Fairness.Sums()
        for server in active.indices {
            activeSums[server] += Double(active[server])
            let weight = weights[server]
            guard weight > 0 else { continue }
            snapshot.add(Double(active[server]) / Double(weight))
        }
        // `Fairness`'s conventions: a snapshot with nothing in flight counts as even.
        jainSum += snapshot.jainIndex
        peakToMeanSum += snapshot.peakToMean
        count += 1
    }

    /// The mean over snapshots of Jain's index of weight-normalised active counts; 1 with no snapshot.
    public var jainLoad: Double { count == 0 ? 1 : min(1, jainSum / Double(count)) }

    /// The mean over snapshots of max / mean of weight-normalised active counts; 1 with no snapshot.
    public var peakToMeanLoad: Double { count == 0 ? 1 : max(1, peakToMeanSum / Double(count)) }

    /// Each server's mean active connections over the snapshots (not normalised, drained
    /// servers included); zeros with no snapshot.
    public var meanActive: [Double] {
        count == 0 ? activeSums : activeSums.map { $0 / Double(count) }
    }
}
