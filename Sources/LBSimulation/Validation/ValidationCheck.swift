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
    /// What a statistical tolerance's interval comes from ("30 batch means", "10 replications");
    /// `nil` for an exact bound.
    public var interval: String?

    public init(
        name: String, formula: String, theory: Double, measured: Double, tolerance: Double, isStatistical: Bool,
        interval: String? = nil
    ) {
        self.name = name
        self.formula = formula
        self.theory = theory
        self.measured = measured
        self.tolerance = tolerance
        self.isStatistical = isStatistical
        self.interval = interval
    }

    /// Whether `|measured − theory| ≤ tolerance`.
    public var passed: Bool { abs(measured - theory) <= tolerance }
}
