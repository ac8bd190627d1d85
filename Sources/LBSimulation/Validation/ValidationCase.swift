/// One model the simulator is checked against: a farm, the router that makes it a textbook
/// queue, and the closed-form values it must reproduce.
public struct ValidationCase: Sendable {
    /// A statistic a case predicts.
    public enum Metric: String, Sendable {
        case meanResponse = "mean response"
        case meanSlowdown = "mean slowdown"
        /// The mean slowdown of requests of at most the mean size less that of larger ones
        /// (`SimulationResult.shortMeanSlowdown − longMeanSlowdown`).
        case slowdownShortMinusLong = "mean slowdown of short (size ≤ 1) − long requests"

        /// The mean of a single run's batch-means interval, or `nil` for a statistic measured
        /// only over independent replications.
        public var batchMean: SimulationResult.Mean? {
            switch self {
            case .meanResponse: .response
            case .meanSlowdown: .slowdown
            case .slowdownShortMinusLong: nil
            }
        }

        /// The statistic's value in `result`.
        func value(in result: SimulationResult) -> Double {
            if let mean = batchMean { return result.value(of: mean) }
            return (result.shortMeanSlowdown ?? .nan) - (result.longMeanSlowdown ?? .nan)
        }
    }

    /// A predicted value of one statistic, and the formula it comes from.
    public struct Expectation: Sendable {
        /// The statistic predicted.
        public var metric: Metric
        /// Its predicted value.
        public var theory: Double
        /// The formula, as the report prints it.
        public var formula: String

        public init(_ metric: Metric, theory: Double, formula: String) {
            self.metric = metric
            self.theory = theory
            self.formula = formula
        }
    }

    /// The model, as a reader knows it ("M/M/1, FCFS, ρ = 0.8").
    public var name: String
    /// The router that makes the farm the model.
    public var router: RouterKind
    /// The farm that realises the model; with replications, each replication runs it with
    /// `jobs / replications` measured requests and a seed of its own (`runs`).
    public var configuration: SimulationConfiguration
    /// The values the model predicts.
    public var expectations: [Expectation]
    /// 1: one run, each expectation checked against the batch-means interval of that run. More:
    /// that many independent runs (`runs`), each expectation checked against the Student t
    /// interval of their values, which needs no assumption about the dependence inside a run
    /// (Law & Kelton, §9.4.1), only that each run's value is nearly normal.
    public var replications: Int

    public init(
        name: String, router: RouterKind, configuration: SimulationConfiguration, expectations: [Expectation],
        replications: Int = 1
    ) {
        precondition(replications >= 1 && (replications > 1 || expectations.allSatisfy { $0.metric.batchMean != nil }),
                     "a statistic without batch means needs independent replications")
        self.name = name
        self.router = router
        self.configuration = configuration
        self.expectations = expectations
        self.replications = replications
    }

    /// The runs the case takes: `configuration`, or `replications` copies of it with the
    /// measured requests split evenly (each with its own warm-up of a tenth) and independent
    /// seeds derived from its seed.
    ///
    /// - Complexity: O(replications).
    public var runs: [SimulationConfiguration] {
        guard replications > 1 else { return [configuration] }
        let seeds = SeedStreams(seed: configuration.seed)
        return (0..<replications).map { index in
            SimulationConfiguration(
                weights: configuration.weights, unweighted: configuration.unweighted, traffic: configuration.traffic,
                discipline: configuration.discipline, sizes: configuration.sizes,
                jobs: configuration.jobs / replications, seed: seeds.replication(index),
                balancers: configuration.balancers, refresh: configuration.refresh, batches: configuration.batches
            )
        }
    }

    /// Simulates every run of the case, in order.
    ///
    /// - Complexity: the sum of the runs'.
    /// - Throws: `SimulationError` for an invalid configuration.
    public func run() throws(SimulationError) -> [SimulationResult] {
        var results: [SimulationResult] = []
        for configuration in runs { results.append(try Simulation.run(configuration, router: router)) }
        return results
    }

    /// The checks of `results` (the case's runs, as `run()` returns them): each expectation
    /// against its confidence interval at `confidence`, then Little's law on every run (the run
    /// farthest from it stands for all). With one run the interval is its batch means' (none,
    /// and a tolerance of 0, where that run has no valid one: an overloaded validation farm is a
    /// bug); with replications, the t interval of the runs' values.
    ///
    /// - Complexity: O(runs × batches) per expectation.
    public func checks(of results: [SimulationResult], confidence: Double) -> [ValidationCheck] {
        precondition(results.count == replications && !results.isEmpty, "one result per run")
        var checks = expectations.map { expectation in
            let (measured, tolerance): (Double, Double)
            let interval: String
            if replications == 1, let mean = expectation.metric.batchMean {
                let result = results[0]
                measured = result.value(of: mean)
                tolerance = result.halfWidth(of: mean, confidence: confidence) ?? 0
                interval = "\(result.batches(of: mean).means.count) batch means"
            } else {
                let values = BatchSummary(means: results.map(expectation.metric.value(in:)))
                measured = values.mean
                tolerance = values.halfWidth(confidence: confidence)
                interval = "\(replications) replications"
            }
            return ValidationCheck(
                name: "\(name): \(expectation.metric.rawValue)", formula: expectation.formula,
                theory: expectation.theory, measured: measured, tolerance: tolerance, isStatistical: true,
                interval: interval
            )
        }
        func strain(_ law: SimulationResult.LittlesLaw) -> Double {
            abs(law.meanInSystem - law.expectedMeanInSystem) / law.tolerance
        }
        let little = results.map(\.littlesLaw).max { strain($0) < strain($1) }!
        checks.append(ValidationCheck(
            name: "\(name): Little's law", formula: "L = λT + before − after (requests straddling the window)",
            theory: little.expectedMeanInSystem, measured: little.meanInSystem, tolerance: little.tolerance,
            isStatistical: false, interval: nil
        ))
        return checks
    }
}
