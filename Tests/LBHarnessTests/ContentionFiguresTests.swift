import Foundation
import LBHarness
import LoadBalancing
import Testing

@Suite("Contention figures")
struct ContentionFiguresTests {
    @Test("lock figures are deltas per measured pick")
    func lockDeltas() {
        let before = ContentionStatistics(lock: LockStatistics(acquisitions: 100, contendedAcquisitions: 10, waitNanoseconds: 1_000))
        let after = ContentionStatistics(lock: LockStatistics(acquisitions: 300, contendedAcquisitions: 60, waitNanoseconds: 9_000))
        let figures = ContentionFigures(before: before, after: after, picks: 100)
        #expect(figures.lockContendedFraction == 0.25)
        #expect(figures.lockWaitNsPerPick == 80)
        #expect(figures.casRetriesPerPick == nil)
    }

    /// Guards the two edges of the per-pick figures (mutants that called a lock never acquired
    /// fully contended, and that divided by zero picks, survived without it): no acquisition is
    /// no contention, and a cell without picks counts its waits as if it had made one.
    @Test("no lock acquisitions: nothing contended; no measured picks: finite figures, not NaN")
    func emptyDeltas() {
        let statistics = ContentionStatistics(
            lock: LockStatistics(acquisitions: 7, contendedAcquisitions: 2, waitNanoseconds: 500), casRetries: 3)
        let idle = ContentionFigures(before: statistics, after: statistics, picks: 0)
        #expect(idle.lockContendedFraction == 0)
        #expect(idle.lockWaitNsPerPick == 0)
        #expect(idle.casRetriesPerPick == 0)
        let later = ContentionStatistics(
            lock: LockStatistics(acquisitions: 7, contendedAcquisitions: 2, waitNanoseconds: 800), casRetries: 5)
        let noPicks = ContentionFigures(before: statistics, after: later, picks: 0)
        #expect(noPicks.lockWaitNsPerPick == 300 && noPicks.casRetriesPerPick == 2)
    }

    @Test("CAS retries per pick; lock figures absent")
    func casDeltas() {
        let figures = ContentionFigures(
            before: ContentionStatistics(casRetries: 5), after: ContentionStatistics(casRetries: 55), picks: 200)
        #expect(figures.casRetriesPerPick == 0.25)
        #expect(figures.lockContendedFraction == nil && figures.lockWaitNsPerPick == nil)
    }

    @Test("figures that do not apply are written as null, not left out")
    func nulls() throws {
        let figures = ContentionFigures(before: ContentionStatistics(), after: ContentionStatistics(), picks: 1)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(figures)) as? [String: Any]
        #expect(Set((object ?? [:]).keys) == ["lockContendedFraction", "lockWaitNsPerPick", "casRetriesPerPick"])
        #expect(object?.values.allSatisfy { $0 is NSNull } == true)
    }
}
