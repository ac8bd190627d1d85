/// One number per `ComparedMetric` (a cell's figures, or its ratios), absent where the cell has
/// none. Encoded as an object with every metric's key, `null` where absent.
public struct MetricValues: Codable, Sendable, Equatable {
    private var values: [ComparedMetric: Double]

    public init(_ values: [ComparedMetric: Double] = [:]) {
        self.values = values
    }

    /// The figures of `run`.
    init(_ run: RunResult) {
        values = [:]
        for metric in ComparedMetric.allCases { values[metric] = metric.value(in: run) }
    }

    public subscript(metric: ComparedMetric) -> Double? {
        get { values[metric] }
        set { values[metric] = newValue }
    }

    private struct MetricKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MetricKey.self)
        values = [:]
        for metric in ComparedMetric.allCases {
            values[metric] = try container.decodeIfPresent(Double.self, forKey: MetricKey(stringValue: metric.rawValue))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MetricKey.self)
        for metric in ComparedMetric.allCases {
            try container.encode(values[metric], forKey: MetricKey(stringValue: metric.rawValue))
        }
    }
}
