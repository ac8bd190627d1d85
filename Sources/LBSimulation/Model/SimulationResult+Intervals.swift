extension SimulationResult {
    /// A mean a run reports with a confidence interval where it has a valid one.
    public enum Mean: String, Sendable, CaseIterable {
        case response = "mean response"
        case slowdown = "mean slowdown"
    }

    /// Why batch means give no confidence interval for a run's mean: the method needs a finite
    /// mean, a finite variance and batch means nearly independent once batches are long, in a
    /// farm in steady state.
    public enum NoInterval: String, Sendable, Equatable, CaseIterable {
        /// The farm did not keep up (`truncatedTail`): queues grew for the whole run, so there is
        /// no steady-state mean to estimate and the number grows with the run's length.
        case noSteadyState = "no steady state: the farm did not keep up, so the mean grows with the run's length"
        /// FCFS with `E[S²] = ∞` (heavy-tailed sizes): a request that lands behind a long one
        /// waits for its residual, of mean `E[S²] / 2E[S] = ∞`, so the mean wait, response and
        /// slowdown are infinite, and the run's mean is a finite number that grows with its length.
        case infiniteMeanWait = "infinite mean: under FCFS a request waits for the rest of a long one ahead of it, of mean E[S²]/2E[S], infinite for these sizes"
        /// FCFS with `E[1/S] = ∞` (sizes with density near 0, such as exponential): a request's
        /// slowdown is `1 + W·w/S` with its wait `W` independent of its own size `S` (routers never
        /// see sizes), so the mean slowdown is `1 + E[W·w]·E[1/S] = ∞` once requests can wait.
        /// (A closed population no larger than the farm behind an exact least-connections
        /// router never waits: there this withholds an interval that would be valid, of width 0.)
        case infiniteMeanSlowdown = "infinite mean: under FCFS slowdown = 1 + wait × speed ÷ size, and E[1/size] is infinite for these sizes"
        /// Processor sharing with `E[S²] = ∞`: a response time is at least its request's
        /// service time, so its variance is infinite and batch means have no normal limit.
        case infiniteVariance = "infinite variance: a response is at least its request's size, and E[S²] is infinite for these sizes"
        /// Processor sharing with `E[S²] = ∞`: the requests inside a long one's stay all see one
        /// more competitor, so the number in system is long-range dependent (Hurst H ≈ 0.75 at
        /// Pareto α = 1.5), neighbouring batch means stay correlated (about 0.41) however long the
        /// batches, and `s/√B` understates the error; the mean of a run is dominated by its few
        /// longest requests (replication means at α = 1.5 are skewed, skewness about 3), so
        /// independent replications give no valid t-interval either.
        case longRangeDependence = "long-range dependence: heavy-tailed sizes keep the number in system correlated over any batch length, so batch means understate the error"

        /// Why batch means of any run of `configuration` give no valid interval for `mean`, from
        /// its discipline and size distribution alone, or `nil`: deterministic, exponential,
        /// `mixed`, `video` and other sizes with finite `E[S²]` have valid intervals, except FCFS
        /// slowdown under sizes with `E[1/S] = ∞` (exponential, `long-lived`).
        ///
        /// - Complexity: O(components of the size mixture).
        public static func implied(by configuration: SimulationConfiguration, for mean: Mean) -> NoInterval? {
            let sizes = configuration.sizes.distribution
            switch (configuration.discipline, mean) {
            case (.fcfs, _) where !sizes.hasFiniteSecondMoment: return .infiniteMeanWait
            case (.fcfs, .slowdown) where !sizes.hasFiniteReciprocalMean: return .infiniteMeanSlowdown
            case (.ps, .response) where !sizes.hasFiniteSecondMoment: return .infiniteVariance
            case (.ps, .slowdown) where !sizes.hasFiniteSecondMoment: return .longRangeDependence
            default: return nil
            }
        }
    }

    /// Why batch means give no valid confidence interval for `mean`, or `nil` when they do:
    /// `noSteadyState` for an overloaded run, otherwise what its configuration implies
    /// (`NoInterval.implied(by:for:)`).
    ///
    /// - Complexity: O(components of the size mixture).
    public func noInterval(for mean: Mean) -> NoInterval? {
        truncatedTail ? .noSteadyState : NoInterval.implied(by: configuration, for: mean)
    }

    /// The measured value of `mean`.
    ///
    /// - Complexity: O(1).
    public func value(of mean: Mean) -> Double {
        switch mean {
        case .response: meanResponse
        case .slowdown: meanSlowdown
        }
    }

    /// The batch means of `mean`'s quantity.
    ///
    /// - Complexity: O(1).
    public func batches(of mean: Mean) -> BatchSummary {
        switch mean {
        case .response: responseBatches
        case .slowdown: slowdownBatches
        }
    }

    /// The half-width of `mean`'s batch-means confidence interval at `confidence`, or `nil` where
    /// the run has no valid one (`noInterval(for:)` says why).
    ///
    /// - Complexity: O(batches).
    public func halfWidth(of mean: Mean, confidence: Double) -> Double? {
        noInterval(for: mean) == nil ? batches(of: mean).halfWidth(confidence: confidence) : nil
    }
}
