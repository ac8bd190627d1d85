import LBHarness

/// What `lbbench check` found: `{"schema": "lbbench.check/1", "machine": {...}, "passed": …,
/// "claims": [...], "runs": [...]}`. `runs` are the harness cells the workload claims were
/// measured on, in the results contract (`RunResult`), so a failure can be investigated.
public struct CheckReport: Codable, Sendable, Equatable {
    public static let currentSchema = "lbbench.check/1"

    public var schema: String
    public var machine: MachineContext
    /// Wall-clock seconds the whole check took.
    public var seconds: Double
    /// Whether every claim held.
    public var passed: Bool
    public var claims: [ClaimVerdict]
    public var runs: [RunResult]

    public init(machine: MachineContext, seconds: Double, claims: [ClaimVerdict], runs: [RunResult]) {
        schema = Self.currentSchema
        self.machine = machine
        self.seconds = seconds
        passed = claims.allSatisfy(\.passed)
        self.claims = claims
        self.runs = runs
    }
}
