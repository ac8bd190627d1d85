/// The choice among one `partitioned` pick's candidate shards: the lowest published score
/// wins; a tie goes to each tied shard with probability proportional to its eligible weight
/// (weighted reservoir sampling: the k-th tied shard replaces the current winner with
/// probability w_k / (w_1 + … + w_k), one random draw per tie); the lowest of the others is
/// kept as the runner-up, which the slot remembers when the winner's shard fills up.
///
/// With two candidates this is the rule `partitioned` always had: the lower score, a tie to
/// each with probability proportional to its weight.
///
/// - Complexity: `consider` O(1).
/// - Note: Not thread-safe; a value local to one pick.
struct ShardChoice {
    /// The winning shard so far, -1 before the first candidate.
    private(set) var winner = -1
    private(set) var winnerScore = Score(active: 0, weight: 1)
    /// The lowest-scoring candidate other than the winner, -1 if there is none.
    private(set) var runnerUp = -1
    private(set) var runnerUpScore = Score(active: 0, weight: 1)
    /// The total weight of the candidates tied at the winner's score.
    private var tiedWeight: UInt64 = 0

    /// Takes `shard`, of published `score` and eligible `weight`, into the choice.
    @inline(__always)
    mutating func consider<Random: RandomNumberGenerator>(
        _ shard: Int, score: Score, weight: Int, using random: inout Random
    ) {
        let weight = UInt64(max(weight, 0))
        if winner < 0 || score < winnerScore {
            demoteWinner()
            winner = shard
            winnerScore = score
            tiedWeight = weight
        } else if score == winnerScore {
            tiedWeight &+= weight
            if tiedWeight > 0 && random.next().multipliedFullWidth(by: tiedWeight).high < weight {
                demoteWinner()
                winner = shard
                winnerScore = score
            } else {
                runnerUp = shard
                runnerUpScore = score
            }
        } else if runnerUp < 0 || score < runnerUpScore {
            runnerUp = shard
            runnerUpScore = score
        }
    }

    /// The winner so far becomes the runner-up (it scores at most every other loser).
    @inline(__always)
    private mutating func demoteWinner() {
        guard winner >= 0 else { return }
        runnerUp = winner
        runnerUpScore = winnerScore
    }

    /// The shard to remember after the winner took a connection and now publishes
    /// `winnerNow`: the winner if it is still no higher than the runner-up, else the runner-up.
    @inline(__always)
    func remembered(winnerNow: Score?) -> Int {
        guard runnerUp >= 0, let winnerNow else { return runnerUp >= 0 ? runnerUp : winner }
        return runnerUpScore < winnerNow ? runnerUp : winner
    }
}
