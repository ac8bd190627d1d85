/// The random part of power-of-two-choices, shared by `P2CPolicy` and `P2CSelector` so that
/// both make the same choices from the same random stream.
///
/// # Two *distinct* servers
/// Drawing the second server independently of the first draws the same server twice with
/// probability 1/n, and then the "choice" is no choice: Envoy found its least-request balancer
/// picking the busier of two hosts 25–50% of the time (Envoy #11004, #14859, #20420). The
/// second draw here is uniform over the other n − 1 servers.
///
/// # Drained servers
/// A draw lands on a uniformly random server and is redrawn while that server is drained, up
/// to `triesPerDraw` times; that keeps the pair uniform over the eligible servers and costs
/// n / m draws on average with m of n servers eligible. If the tries run out (most servers
/// drained, or only one eligible) one pass over all servers draws the pair by reservoir
/// sampling, which also finds a single eligible server. So a pick costs O(1) expected while
/// a fair fraction of servers is eligible, and at most 2 × `triesPerDraw` draws plus one O(n)
/// pass when nearly all are drained: the first draw alone falls back with probability
/// (1 − m/n)^16, 1% at m = n/4 and 36% at m = n/16. `p2c`'s weighted draw
/// (`weightedCandidates`) draws its first candidate once: at most 1 + `triesPerDraw` draws
/// plus one O(n) pass, or, when that first draw lands on a drained server, two O(n) passes.
///
/// Random indices come from Lemire's multiply-shift (the high half of `bound × random`),
/// which has no division and no rejection loop; its bias is below bound / 2^64.
///
/// - Note: Not thread-safe; a pure function of its arguments and the generator.
enum P2CDraw {
    /// Draws per candidate before falling back to a pass over all servers.
    static let triesPerDraw = 16

    /// Two distinct servers drawn uniformly among those `isEligible` accepts; the second is
    /// `nil` when only one is eligible, and the result `nil` when none is.
    @inline(__always)
    static func candidates<Random: RandomNumberGenerator>(
        serverCount: Int, using random: inout Random, isEligible: (Int) -> Bool
    ) -> (first: Int, second: Int?)? {
        if serverCount > 1 {
            for _ in 0..<triesPerDraw {
                let first = index(below: serverCount, using: &random)
                guard isEligible(first) else { continue }
                for _ in 0..<triesPerDraw {
                    var second = index(below: serverCount - 1, using: &random)
                    if second >= first { second += 1 }
                    if isEligible(second) { return (first, second) }
                }
                break
            }
        }
        return reservoir(serverCount: serverCount, using: &random, isEligible: isEligible)
    }

    /// Two distinct servers for `p2c`: the first drawn with probability proportional to its
    /// weight, the second uniformly among the other servers with weight > 0; `second` is `nil`
    /// when only one server is eligible, the result `nil` when none is.
    ///
    /// With `lower`'s weighted tie, this makes light-load shares follow the weights exactly in
    /// expectation: the pair {i, j} is drawn with probability (wᵢ + wⱼ) / (W (m − 1)) for total
    /// weight W over m eligible servers, and i wins a tie with probability wᵢ / (wᵢ + wⱼ), so
    /// i's share of all-tied picks is Σⱼ wᵢ / (W (m − 1)) = wᵢ / W. (A uniform pair cannot: it
    /// caps any server at 2/m of the picks, and gave 13.1/23.3/29.6/34.0% for weights 1,2,3,4.)
    ///
    /// The first draw is one random number through the weights' alias table
    /// (`WeightAliasTable`, `column(i)` its column `i`): its high half times n is a uniform
    /// index, its low half the coin, so the draw costs one column load and no loop, whatever the
    /// weights and however many servers are drained. With `uniform` (every weight equal,
    /// `WeightAliasTable.isUniform`) it is the index alone, without the column: the uniform draw
    /// of `candidates`. (A rejection loop, accepting a uniform server with probability weight ÷
    /// highest weight, cost 13 ns more per pick with weights 1–4: a second random number and an
    /// unpredictable branch per try.) If the drawn server has weight 0 — a table older than the
    /// weights, read while a writer rebuilds it, or every server drained — one weighted
    /// reservoir pass draws it instead.
    ///
    /// - Complexity: O(1) expected while a fair fraction of servers is eligible: one draw for
    ///   the first, at most `triesPerDraw` for the second, then one O(n) pass; or, when the
    ///   first draw lands on a drained server, two O(n) passes (`weightedReservoir`).
    @inline(__always)
    static func weightedCandidates<Random: RandomNumberGenerator>(
        serverCount: Int, uniform: Bool, using random: inout Random, column: (Int) -> UInt64,
        weight: (Int) -> UInt32
    ) -> (first: Int, second: Int?)? {
        let value = UInt64(serverCount).multipliedFullWidth(by: random.next())
        let drawn = Int(truncatingIfNeeded: value.high)
        let coin = UInt32(truncatingIfNeeded: value.low >> 32)
        let first = uniform
            ? drawn : WeightAliasTable.resolve(column(drawn), drawn: drawn, coin: coin, columns: serverCount)
        guard weight(first) > 0 else {
            return weightedReservoir(serverCount: serverCount, using: &random, weight: weight)
        }
        if serverCount > 1 {
            for _ in 0..<triesPerDraw {
                var second = index(below: serverCount - 1, using: &random)
                if second >= first { second += 1 }
                if weight(second) > 0 { return (first, second) }
            }
        }
        let second = uniformReservoir(serverCount: serverCount, excluding: first, using: &random, weight: weight)
        return (first, second)
    }

    /// Of two candidates, the one with the lower score; a tie goes to one of them with
    /// probability proportional to its weight (a fair coin between equal weights). With the
    /// pairs of `weightedCandidates` that makes light-load shares the weight shares; with the
    /// uniform pairs of `candidates` (`partitioned`'s shards) it only leans towards the heavier.
    @inline(__always)
    static func lower<Random: RandomNumberGenerator>(
        _ first: Int, _ firstScore: Score, _ second: Int, _ secondScore: Score, using random: inout Random
    ) -> Int {
        if firstScore < secondScore { return first }
        if secondScore < firstScore { return second }
        let both = Int(firstScore.weight) + Int(secondScore.weight)
        return index(below: both, using: &random) < Int(firstScore.weight) ? first : second
    }

    /// A uniform index in `0..<bound` (`bound` > 0).
    @inline(__always)
    static func index<Random: RandomNumberGenerator>(below bound: Int, using random: inout Random) -> Int {
        Int(truncatingIfNeeded: UInt64(bound).multipliedFullWidth(by: random.next()).high)
    }

    /// Two passes: the first candidate by weighted reservoir sampling (the k-th eligible server
    /// replaces it with probability wₖ / (w₁ + … + wₖ)), the second by `uniformReservoir`.
    private static func weightedReservoir<Random: RandomNumberGenerator>(
        serverCount: Int, using random: inout Random, weight: (Int) -> UInt32
    ) -> (first: Int, second: Int?)? {
        var total = 0
        var eligible = 0
        var first = -1
        for server in 0..<serverCount {
            let serverWeight = Int(weight(server))
            if serverWeight == 0 { continue }
            eligible += 1
            total += serverWeight
            if index(below: total, using: &random) < serverWeight { first = server }
        }
        guard first >= 0 else { return nil }
        let second = uniformReservoir(serverCount: serverCount, excluding: first, using: &random, weight: weight)
        return (first, second)
    }

    /// One server drawn uniformly, by reservoir sampling, among those other than `excluded`
    /// with weight > 0; `nil` when there is none.
    private static func uniformReservoir<Random: RandomNumberGenerator>(
        serverCount: Int, excluding excluded: Int, using random: inout Random, weight: (Int) -> UInt32
    ) -> Int? {
        var seen = 0
        var chosen = -1
        for server in 0..<serverCount where server != excluded && weight(server) > 0 {
            seen += 1
            if index(below: seen, using: &random) == 0 { chosen = server }
        }
        return chosen < 0 ? nil : chosen
    }

    /// One pass of reservoir sampling (Vitter's algorithm R with a reservoir of two).
    private static func reservoir<Random: RandomNumberGenerator>(
        serverCount: Int, using random: inout Random, isEligible: (Int) -> Bool
    ) -> (first: Int, second: Int?)? {
        var seen = 0
        var first = -1
        var second = -1
        for server in 0..<serverCount where isEligible(server) {
            seen += 1
            if seen == 1 {
                first = server
            } else if seen == 2 {
                second = server
            } else {
                // The k-th eligible server replaces a random one of the two with probability 2/k.
                let slot = index(below: seen, using: &random)
                if slot == 0 { first = server } else if slot == 1 { second = server }
            }
        }
        switch seen {
        case 0: return nil
        case 1: return (first, nil)
        default: return (first, second)
        }
    }
}
