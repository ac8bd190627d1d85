extension BucketsPolicy {
    /// The minimal score of the eligible servers as (active, weight), `nil` when every server
    /// is drained; what `PartitionedSelector` publishes for a shard.
    ///
    /// - Complexity: O(W) for W distinct positive weights (each class's cached minimum);
    ///   O(1) with equal weights.
    func minimalScore() -> (active: UInt32, weight: UInt32)? {
        var best: (active: UInt32, weight: UInt32)?
        for slot in liveClasses.indices {
            let weightClass = Int(liveClasses[slot])
            let candidate = (active: classes[weightClass].minimum, weight: classes[weightClass].weight)
            if let current = best,
               !(Score(active: candidate.active, weight: candidate.weight) < Score(active: current.active, weight: current.weight)) {
                continue
            }
            best = candidate
        }
        return best
    }
}
