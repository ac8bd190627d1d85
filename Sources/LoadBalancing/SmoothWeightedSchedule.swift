/// One period of NGINX's smooth weighted round robin, precomputed.
///
/// NGINX (`ngx_http_upstream_get_peer`) keeps a `current` value per peer; each pick adds
/// every peer's weight to its `current`, takes the peer with the largest `current` (the first
/// in list order on a tie) and subtracts the total weight `W` from it. For weights {5, 1, 1}
/// that gives `a a b a c a a`: the heavy server's turns are spread out instead of bunched.
/// Every peer is picked exactly `weight` times in `W` picks, after which every `current` is
/// 0 again, so the sequence repeats with period `W`; dividing the weights by their greatest
/// common divisor scales every `current` alike and so keeps the sequence, with a shorter period.
///
/// # Building it in O(W · D) instead of O(W · n)
/// After step `t`, a peer of weight `w` picked `k` times has `current = t·w − W·k`. Peers of
/// equal weight therefore differ only by `k`, and NGINX's first-in-list tie rule makes them
/// take turns in index order. So the peers are grouped by weight (D groups), each group keeps
/// its own turn, and a step compares only the D group heads: for the usual handful of distinct
/// weights this is linear in the period.
///
/// # Bounds
/// The period is stored (4 bytes an entry), so it is kept to `maximumPeriod` entries and the
/// build to `maximumBuildSteps` group comparisons. A weight set beyond either (for instance
/// weights 1 and 1,000,000, or thousands of distinct weights) has its weights halved, rounding
/// up, until it fits: its shares are then approximate. Equal weights always fit exactly
/// (the period is the eligible servers in index order), whatever their number.
///
/// - Complexity: O(n + W·D) time, O(W) memory (4 bytes per entry).
/// - Note: Not thread-safe; a pure function of the weights.
enum SmoothWeightedSchedule {
    /// The most entries one period may have, unless the eligible servers alone outnumber it.
    static let maximumPeriod = 1 << 20
    /// The most group-head comparisons one build may make.
    static let maximumBuildSteps = 1 << 24

    /// One period of picks, as server indices; empty when every weight is 0.
    static func period(weights: some Collection<Int>) -> [UInt32] {
        var servers: [UInt32] = []
        var reduced: [Int] = []
        for (index, weight) in weights.enumerated() where weight > 0 {
            servers.append(UInt32(index))
            reduced.append(weight)
        }
        guard !servers.isEmpty else { return [] }
        while true {
            let divisor = reduced.reduce(0) { greatestCommonDivisor($0, $1) }
            if divisor > 1 { reduced = reduced.map { $0 / divisor } }
            let total = reduced.reduce(0, +)
            let distinct = Set(reduced).count
            if distinct == 1 { return servers }
            if total <= maximumPeriod && total * distinct <= maximumBuildSteps {
                return interleave(servers: servers, weights: reduced, total: total)
            }
            reduced = reduced.map { ($0 + 1) / 2 }
        }
    }

    /// NGINX's sequence for `weights` (positive, sum `total`), by groups of equal weight.
    private static func interleave(servers: [UInt32], weights: [Int], total: Int) -> [UInt32] {
        struct Group {
            let weight: Int
            var members: [UInt32]
            var picks = 0
        }
        var groupOfWeight: [Int: Int] = [:]
        var groups: [Group] = []
        for (server, weight) in zip(servers, weights) {
            if let group = groupOfWeight[weight] {
                groups[group].members.append(server)
            } else {
                groupOfWeight[weight] = groups.count
                groups.append(Group(weight: weight, members: [server]))
            }
        }
        var period: [UInt32] = []
        period.reserveCapacity(total)
        for step in 1...total {
            var best = -1
            var bestCurrent = 0
            var bestServer: UInt32 = 0
            for (index, group) in groups.enumerated() {
                // The head has been picked `picks / members.count` times, like every member
                // still waiting for its turn in this round of the group.
                let current = step * group.weight - total * (group.picks / group.members.count)
                let head = group.members[group.picks % group.members.count]
                if best < 0 || current > bestCurrent || (current == bestCurrent && head < bestServer) {
                    best = index
                    bestCurrent = current
                    bestServer = head
                }
            }
            period.append(bestServer)
            groups[best].picks += 1
        }
        return period
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
