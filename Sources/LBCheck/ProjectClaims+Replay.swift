import LBReporting
import LoadBalancing

extension ProjectClaims {
    /// The replays of claim 1: a small farm with many steps (ties everywhere) and a large one.
    var replays: [ReplayCheck] {
        [
            ReplayCheck(serverCount: 16, steps: replaySteps.sixteenServers, seed: seed),
            ReplayCheck(serverCount: 1_000, steps: replaySteps.thousandServers, seed: seed),
        ]
    }

    /// Claim 1, one verdict per exact selector: every replay, with every lock, matches the
    /// reference pick for pick.
    func replayClaims() throws -> [ClaimVerdict] {
        try Self.exactKinds.map { kind in
            var picks = 0
            var failures: [String] = []
            var mismatches: [Double] = []
            for lock in LockKind.allCases {
                for replay in replays {
                    let outcome = try replay.run(kind, lock: lock)
                    picks += outcome.picks
                    mismatches.append(Double(outcome.mismatches))
                    if let mismatch = outcome.firstMismatch {
                        failures.append("\(lock), \(replay.serverCount) servers, \(mismatch)")
                    }
                }
            }
            return ClaimVerdict(
                id: "1",
                claim: "\(kind) (\(LockKind.allCases.map(\.rawValue).joined(separator: ", "))) makes the reference model's choices, ties and weights 1–4 included "
                    + "(seed \(seed); 16 and 1,000 servers)",
                measured: failures.isEmpty
                    ? "\(NumberFormat.grouped(picks)) picks, 0 mismatches"
                    : "mismatch: " + failures.joined(separator: "; "),
                passed: failures.isEmpty,
                spread: ClaimSpread("mismatches per replay (lock × farm; deterministic)", of: mismatches))
        }
    }
}
