/// nginx's `least_conn` (`src/http/modules/ngx_http_upstream_least_conn_module.c`,
/// `ngx_http_upstream_get_least_conn_peer`) as a simulator router: the choice nginx makes, so
/// that `lbbench simulate` and `lbbench-live`'s predictions can put nginx's rule next to the
/// library's.
///
/// # The rule
/// The peers are scanned in configuration order. A peer beats the best so far when
/// `conns × best.weight < best.conns × weight` (fewer connections per unit of weight; the
/// first peer starts as the best); a peer with an equal ratio marks a tie. Without a tie the
/// best is taken and nothing else changes. With a tie, smooth weighted round robin runs among
/// the tied peers only, scanning from the first of them: each adds its weight to its
/// `current_weight`, the first with the largest `current_weight` wins, and the winner's
/// `current_weight` drops by the sum of the tied peers' weights. `current_weight` starts at 0
/// and persists between picks; only ties change it. The winner's `conns` goes up by one, and a
/// release brings it down.
///
/// This is the library's score (active ÷ weight) with another tie rule: smooth weighted
/// rotation among the tied peers instead of the library's class-round virtual time. nginx's
/// `effective_weight` equals `weight` here (it drops only after failed attempts, which the
/// simulator has none of), and with `zone` every worker shares the counts, as one simulated
/// balancer does.
///
/// - Complexity: pick O(n) (nginx's own scans); release and assign O(1). Memory: 24 bytes per
///   server.
/// - Note: Not thread-safe (a router).
public struct NginxLeastConnectionsRouter: Router {
    private let weights: [Int]
    private var connections: [Int]
    private var currentWeights: [Int]

    /// nginx's least_conn over peers of positive `weights` (at most `SelectorLimits.maximumWeight`,
    /// so `conns × weight` stays within 63 bits for fewer than 2³¹ requests in flight), none in flight.
    public init(weights: [Int]) {
        self.weights = weights
        connections = Array(repeating: 0, count: weights.count)
        currentWeights = connections
    }

    public mutating func pick() -> Int {
        var best = 0
        var tied = false
        for peer in weights.indices.dropFirst() {
            let peerSide = connections[peer] * weights[best]
            let bestSide = connections[best] * weights[peer]
            if peerSide < bestSide {
                best = peer
                tied = false
            } else if peerSide == bestSide {
                tied = true
            }
        }
        if tied {
            let first = best
            var total = 0
            for peer in first..<weights.count
            where connections[peer] * weights[first] == connections[first] * weights[peer] {
                currentWeights[peer] += weights[peer]
                total += weights[peer]
                if currentWeights[peer] > currentWeights[best] { best = peer }
            }
            currentWeights[best] -= total
        }
        connections[best] += 1
        return best
    }

    public mutating func release(_ server: Int) {
        connections[server] -= 1
    }

    public mutating func assign(_ server: Int) {
        connections[server] += 1
    }
}
