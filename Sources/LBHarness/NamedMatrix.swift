import LBWorkloads
import LoadBalancing

/// A matrix with a name, for runs anyone can reproduce with one option (`lbbench run --matrix
/// scaling`). Options given with it replace its dimensions (`--threads 1,2` runs it reduced).
///
/// Lists are taken from the catalogues (`SelectorKind.allCases`, `LockKind.allCases`), so
/// selectors and synchronizations added later join the matrix without edits here.
public enum NamedMatrix: String, CaseIterable, Sendable {
    /// The many-core matrix: every selector with every lock; 64 and 4,096 servers; 1, 2, 4, 8,
    /// 16 and 32 threads; `uniform` and `mixed`; 0.25 s a cell (about 80 s on 16 cores, with
    /// the seven selectors and two locks of 2026-11).
    case scaling

    public static let scalingServerCounts = [64, 4_096]
    public static let scalingThreadCounts = [1, 2, 4, 8, 16, 32]
    public static let scalingWorkloads: [Workload] = [.uniform, .mixed]
    public static let scalingLength = RunLength.seconds(0.25)

    /// The matrix, with `seed` for every cell.
    public func configuration(seed: UInt64 = MatrixConfiguration.defaultSeed) -> MatrixConfiguration {
        switch self {
        case .scaling:
            MatrixConfiguration(
                selectors: SelectorKind.allCases, locks: LockKind.allCases, serverCounts: Self.scalingServerCounts,
                threadCounts: Self.scalingThreadCounts, workloads: Self.scalingWorkloads, length: Self.scalingLength,
                seed: seed)
        }
    }
}
