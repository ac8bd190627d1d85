/// Closed-form results the simulator is checked against. Service rate μ = 1 unless stated:
/// sizes have mean 1 and a weight-1 server has speed 1.
///
/// - Note: Thread-safe (pure functions).
public enum QueueingTheory {
    /// M/M/1 (and M/M/1-PS): mean response `1 / (μ − λ)` with `λ = ρ μ`.
    ///
    /// - Complexity: O(1).
    public static func mm1MeanResponse(utilization rho: Double, serviceRate mu: Double = 1) -> Double {
        1 / (mu - rho * mu)
    }

    /// M/G/1 first come, first served (Pollaczek–Khinchine): mean response
    /// `E[S] + λ E[S²] / (2 (1 − ρ))`, with `E[S] = 1` so `λ = ρ`.
    ///
    /// - Complexity: O(1).
    public static func mg1MeanResponse(utilization rho: Double, sizeSecondMoment: Double) -> Double {
        1 + rho * sizeSecondMoment / (2 * (1 - rho))
    }

    /// M/G/1 processor sharing: mean response `E[S] / (1 − ρ)` whatever the size distribution,
    /// and mean slowdown `1 / (1 − ρ)`, since `E[T | S = x] = x / (1 − ρ)` for every `x`.
    ///
    /// - Complexity: O(1).
    public static func mg1ProcessorSharingMeanResponse(utilization rho: Double) -> Double {
        1 / (1 - rho)
    }

    /// Random routing of Poisson arrivals at total utilisation ρ to servers of speeds
    /// `weights`, each picked with probability `wᵢ / W`: server `i` is an M/M/1 queue with
    /// `λᵢ = ρ W · wᵢ / W = ρ wᵢ` and `μᵢ = wᵢ`, so `Tᵢ = 1 / (wᵢ (1 − ρ))` and the mean over
    /// requests is `Σ (wᵢ / W) Tᵢ = n / (W (1 − ρ))`.
    ///
    /// - Complexity: O(n).
    public static func randomRoutingMeanResponse(utilization rho: Double, weights: [Int]) -> Double {
        let total = weights.reduce(0.0) { $0 + Double($1) }
        return weights.reduce(0.0) { sum, weight in
            let w = Double(weight)
            return sum + (w / total) * mm1MeanResponse(utilization: rho, serviceRate: w)
        }
    }

    /// Round robin of Poisson arrivals (rate `n ρ μ`) to `n` FCFS exponential servers: each sees
    /// Erlang-`n` interarrival times, an E_n/M/1 queue, with mean response `1 / (μ (1 − σ))`
    /// where σ is the root in (0, 1) of `σ = (n ρ / (n ρ + 1 − σ))ⁿ` (the GI/M/1 equation
    /// `σ = A*(μ (1 − σ))` with the Erlang transform `A*(s) = (λ / (λ + s))ⁿ`).
    ///
    /// - Complexity: O(iterations): fixed-point iteration from σ = 0, which rises
    ///   monotonically to the smallest root because the right side is increasing and convex.
    public static func roundRobinMeanResponse(servers n: Int, utilization rho: Double) -> Double {
        1 / (1 - erlangRoundRobinSigma(servers: n, utilization: rho))
    }

    /// σ of `roundRobinMeanResponse`: the probability that an arrival finds its server busy.
    ///
    /// - Complexity: O(iterations), at most 100 000.
    public static func erlangRoundRobinSigma(servers n: Int, utilization rho: Double) -> Double {
        let load = Double(n) * rho
        var sigma = 0.0
        for _ in 0..<100_000 {
            let next = LibM.pow(load / (load + 1 - sigma), Double(n))
            if abs(next - sigma) < 1e-15 { return next }
            sigma = next
        }
        return sigma
    }

    /// The supermarket model (Mitzenmacher, "The Power of Two Choices in Randomized Load
    /// Balancing", 2001; Vvedenskaya et al., 1996): Poisson arrivals at rate `λ n` to `n`
    /// exponential FCFS servers of rate 1, each request joining the shortest of `d` sampled
    /// queues. As `n → ∞` the fraction of queues with at least `i` requests is
    /// `λ^((dⁱ − 1)/(d − 1))`, and the mean response is `Σ_{i≥1} λ^((dⁱ − d)/(d − 1))`.
    /// Finite `n` sits slightly above the limit.
    ///
    /// - Complexity: O(log log(1/ε)): the terms fall doubly exponentially.
    public static func supermarketMeanResponse(choices d: Int, arrivalRate lambda: Double) -> Double {
        precondition(d >= 2, "the supermarket formula is for d ≥ 2; d = 1 is M/M/1")
        var total = 0.0
        var power = Double(d) // dⁱ for i = 1
        while true {
            let term = LibM.pow(lambda, (power - Double(d)) / Double(d - 1))
            total += term
            if term < 1e-16 { return total }
            power *= Double(d)
        }
    }
}
