/// One model the simulator is checked against: a farm, the router that makes it a textbook
/// queue, and the closed-form values it must reproduce.
public struct ValidationCase: Sendable {
    /// A statistic a case predicts.
    public enum Metric: String, Sendable {
        case meanResponse = "mean response"
        case meanSlowdown = "mean slowdown"
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
    /// The farm that realises the model.
    public var configuration: SimulationConfiguration
    /// The values the model predicts.
    public var expectations: [Expectation]

    public init(name: String, router: RouterKind, configuration: SimulationConfiguration, expectations: [Expectation]) {
        self.name = name
        self.router = router
        self.configuration = configuration
        self.expectations = expectations
    }

    /// The checks of `result` (a run of this case): each expectation against its batch-means
    /// confidence interval at `confidence`, then Little's law.
    ///
    /// - Complexity: O(batches) per expectation.
    public func checks(of result: SimulationResult, confidence: Double) -> [ValidationCheck] {
        var checks = expectations.map { expectation in
            let (measured, batches) = switch expectation.metric {
            case .meanResponse: (result.meanResponse, result.responseBatches)
            case .meanSlowdown: (result.meanSlowdown, result.slowdownBatches)
            }
            return ValidationCheck(
                name: "\(name): \(expectation.metric.rawValue)", formula: expectation.formula,
                theory: expectation.theory, measured: measured,
                tolerance: batches.halfWidth(confidence: confidence), isStatistical: true
            )
        }
        let little = result.littlesLaw
        checks.append(ValidationCheck(
            name: "\(name): Little's law", formula: "L = λT + before − after (requests straddling the window)",
            theory: little.expectedMeanInSystem, measured: little.meanInSystem, tolerance: little.tolerance,
            isStatistical: false
        ))
        return checks
    }
}
