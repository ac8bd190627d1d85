/// Quantiles of Student's t distribution, for batch-means confidence intervals.
///
/// The distribution function is `F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)` for `t ≥ 0`, with `I` the
/// regularised incomplete beta function, evaluated by its continued fraction with the modified
/// Lentz method (Press et al., *Numerical Recipes*, 3rd ed., §6.4). The quantile is found by
/// bisection, which is slow but exact to the last bits and cannot fail to converge.
public enum StudentT {
    /// The `p`-quantile (0 < p < 1) of Student's t with `degreesOfFreedom` ≥ 1.
    ///
    /// - Complexity: O(1): about 60 bisection steps of one continued fraction each.
    /// - Note: Thread-safe (pure).
    public static func quantile(_ p: Double, degreesOfFreedom: Int) -> Double {
        precondition(p > 0 && p < 1 && degreesOfFreedom >= 1, "quantile(\(p), degreesOfFreedom: \(degreesOfFreedom))")
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: degreesOfFreedom) }
        var low = 0.0
        var high = 1.0
        while distribution(high, degreesOfFreedom: degreesOfFreedom) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if distribution(middle, degreesOfFreedom: degreesOfFreedom) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// `P(T ≤ t)` for Student's t with `degreesOfFreedom` ≥ 1.
    ///
    /// - Complexity: O(1) (a continued fraction of at most 300 terms).
    /// - Note: Thread-safe (pure).
    public static func distribution(_ t: Double, degreesOfFreedom: Int) -> Double {
        let nu = Double(degreesOfFreedom)
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// `I_x(a, b)`, from the continued fraction on whichever side converges fast.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = LibM.logGamma(a + b) - LibM.logGamma(a) - LibM.logGamma(b)
            + a * LibM.log(x) + b * LibM.log(1 - x)
        let front = LibM.exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < epsilon { break }
        }
        return result
    }
}
