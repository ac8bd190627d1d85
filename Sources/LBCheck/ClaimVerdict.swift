/// One of the project's claims, what `lbbench check` measured for it, and whether it held.
public struct ClaimVerdict: Codable, Sendable, Equatable {
    /// The claim's number in the README's list: claim 2's parts carry a letter ("2a" … "2d");
    /// other claims may give several verdicts under one id (one per farm, selector or lock).
    public var id: String
    /// The claim in words, with its threshold: "buckets at 100,000 servers costs ≤ 2× its cost at 64".
    public var claim: String
    /// The measured figure in words, with the numbers it came from.
    public var measured: String
    public var passed: Bool
    /// The rounds behind the verdict: lowest and highest value of the figure. `nil` only for a
    /// claim that does not state it.
    public var spread: ClaimSpread?
    /// How many times the figure was measured: 1, or more when a timing claim that failed was
    /// re-measured before its verdict (`ProjectClaims.maximumCostMeasurements`, `.maximumMeasurements`).
    public var measurements: Int

    public init(
        id: String, claim: String, measured: String, passed: Bool, spread: ClaimSpread? = nil, measurements: Int = 1
    ) {
        self.id = id
        self.claim = claim
        self.measured = measured
        self.passed = passed
        self.spread = spread
        self.measurements = measurements
    }

    /// Writes `spread` as `null` when absent, so every claim carries every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(claim, forKey: .claim)
        try container.encode(measured, forKey: .measured)
        try container.encode(passed, forKey: .passed)
        try container.encode(spread, forKey: .spread)
        try container.encode(measurements, forKey: .measurements)
    }
}
