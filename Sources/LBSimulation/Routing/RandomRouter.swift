import LBRandom
import LoadBalancing

/// Random routing: each request goes to server `i` with probability `weights[i] / Σ weights`,
/// whatever the servers hold.
///
/// Queueing theory's baseline: Poisson arrivals split at random stay Poisson, so with
/// exponential sizes each server is an independent M/M/1 queue. No production balancer is
/// configured this way on purpose, but it is what a balancer with no information does (and
/// what HAProxy's `random` with one draw is).
///
/// - Complexity: pick O(log n) (binary search of cumulative weights); release O(1).
///   Memory: 8 bytes per server.
/// - Note: Not thread-safe (a router).
public struct RandomRouter: Router {
    /// Cumulative weights: server `i` owns draws in `cumulative[i-1] ..< cumulative[i]`.
    let cumulative: [UInt64]
    var random: SplitMix64

    /// A random router over positive `weights`, drawing from `seed`.
    public init(weights: [Int], seed: UInt64) {
        var total: UInt64 = 0
        cumulative = weights.map { weight in
            total += UInt64(weight)
            return total
        }
        random = SplitMix64(seed: seed)
    }

    public mutating func pick() -> Int {
        let draw = random.next(upperBound: cumulative[cumulative.count - 1])
        // The first server whose cumulative weight exceeds the draw.
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > draw { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Random routing counts nothing.
    public mutating func release(_ server: Int) {}

    /// Random routing counts nothing, so it has nothing to refresh either.
    public mutating func assign(_ server: Int) {}
}
