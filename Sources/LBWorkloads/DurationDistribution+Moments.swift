extension DurationDistribution {
    /// Whether `E[X²]` is finite: false exactly when some part is Pareto with `α ≤ 2`; constants,
    /// exponentials and shifted exponentials have every moment.
    ///
    /// Queueing statistics lean on it: with `E[X²] = ∞` an FCFS wait has an infinite mean (a
    /// request that lands behind a long one waits for its residual, of mean `E[X²] / 2E[X]`), and
    /// a response time, at least its own size, has an infinite variance.
    ///
    /// - Complexity: O(1), or O(components) for a mixture.
    public var hasFiniteSecondMoment: Bool {
        switch self {
        case .constant, .exponential, .shiftedExponential: true
        case let .pareto(alpha, _): alpha > 2
        case let .mixture(components): components.allSatisfy { $0.weight == 0 || $0.distribution.hasFiniteSecondMoment }
        }
    }

    /// Whether `E[1 / X]` is finite, i.e. durations keep away from 0: false for an exponential
    /// (its density at 0 is positive, so `∫ f(x) / x dx` diverges there), a shifted exponential
    /// with minimum 0 and a constant 0; true for a positive constant, and for a shifted
    /// exponential or Pareto with a positive minimum. A mixture has it when every component of
    /// positive weight does.
    ///
    /// An FCFS request's slowdown is `1 + wait × speed / size`, with its wait independent of its
    /// own size, so the mean slowdown is infinite wherever requests wait and this is false.
    ///
    /// - Complexity: O(1), or O(components) for a mixture.
    public var hasFiniteReciprocalMean: Bool {
        switch self {
        case let .constant(seconds): seconds > 0
        case .exponential: false
        case let .shiftedExponential(minimum, _): minimum > 0
        case let .pareto(_, minimum): minimum > 0
        case let .mixture(components): components.allSatisfy { $0.weight == 0 || $0.distribution.hasFiniteReciprocalMean }
        }
    }
}
