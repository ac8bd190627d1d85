import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

@Suite("Named matrices")
struct NamedMatrixTests {
    @Test("scaling: every selector with every lock, 64 and 4,096 servers, 1 … 32 threads, uniform and mixed, 0.25 s")
    func scaling() throws {
        let cells = try NamedMatrix.scaling.configuration().cells()
        let variants = SelectorKind.allCases.reduce(0) { $0 + ($1.usesLock ? LockKind.allCases.count : 1) }
        #expect(cells.count == 2 * variants * 2 * 6)
        #expect(Set(cells.map(\.selector)) == Set(SelectorKind.allCases))
        #expect(Set(cells.compactMap(\.lock)) == Set(LockKind.allCases))
        #expect(Set(cells.map(\.servers)) == [64, 4_096])
        #expect(Set(cells.map(\.threads)) == [1, 2, 4, 8, 16, 32])
        #expect(Set(cells.map(\.workload)) == [.uniform, .mixed])
        #expect(cells.allSatisfy { $0.length == .seconds(0.25) && $0.seed == MatrixConfiguration.defaultSeed })
    }

    @Test("options given with a named matrix replace its dimensions, the rest stays")
    func optionsReplaceDimensions() throws {
        let reduced = MatrixConfiguration(threadCounts: [1, 2], length: .seconds(0.05), seed: 7)
            .filling(from: NamedMatrix.scaling.configuration(seed: 7))
        let cells = try reduced.cells()
        #expect(Set(cells.map(\.threads)) == [1, 2])
        #expect(Set(cells.map(\.servers)) == [64, 4_096])
        #expect(Set(cells.compactMap(\.lock)) == Set(LockKind.allCases))
        #expect(cells.allSatisfy { $0.length == .seconds(0.05) && $0.seed == 7 })
    }
}
