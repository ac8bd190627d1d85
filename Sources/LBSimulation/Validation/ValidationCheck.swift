/// A measured value set against theory, with the tolerance the run length allows.
public struct ValidationCheck: Sendable {
    /// The case and the statistic ("M/M/1, FCFS, ρ = 0.8: mean response").
    public var name: String
    /// Where `theory` comes from.
    public var formula: String
    /// The predicted value.
    public var theory: Double
    /// The simulated value.
    public var measured: Double
    /// The largest `|measured − theory|` that passes.
    public var tolerance: Double
    /// Whether the tolerance is a confidence interval (true) or an exact bound (Little's law).
    public var isStatistical: Bool

    /// Whether `|measured − theory| ≤ tolerance`.
    public var passed: Bool { abs(measured - theory) <= tolerance }
}
