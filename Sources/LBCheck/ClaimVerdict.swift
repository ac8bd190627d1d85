/// One of the project's claims, what `lbbench check` measured for it, and whether it held.
public struct ClaimVerdict: Codable, Sendable, Equatable {
    /// The claim's number in the README's list, with a letter for its parts: "2a".
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
}
