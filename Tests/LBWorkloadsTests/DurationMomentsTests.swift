import LBWorkloads
import Testing

/// Which moments of each duration distribution are finite: the simulator's reports decide from
/// them whether a mean has a confidence interval.
@Suite("Duration distribution moments")
struct DurationMomentsTests {
    @Test("E[X²] is finite except for Pareto with α ≤ 2, alone or in a mixture")
    func secondMoment() {
        let infinite = Set(Workload.allCases.filter { !$0.durations.hasFiniteSecondMoment })
        #expect(infinite == [.heavyTail])
        #expect(DurationDistribution.pareto(alpha: 2, minimum: 1).hasFiniteSecondMoment == false)
        #expect(DurationDistribution.pareto(alpha: 2.5, minimum: 1).hasFiniteSecondMoment)
        #expect(DurationDistribution.mixture([.init(weight: 99, .constant(seconds: 1)), .init(weight: 1, .pareto(alpha: 1.5, minimum: 1))])
            .hasFiniteSecondMoment == false)
        #expect(DurationDistribution.mixture([.init(weight: 1, .constant(seconds: 1)), .init(weight: 0, .pareto(alpha: 1.5, minimum: 1))])
            .hasFiniteSecondMoment, "a component of weight 0 is never drawn")
    }

    @Test("E[1/X] is infinite where durations come near 0: exponential sizes")
    func reciprocalMean() {
        let infinite = Set(Workload.allCases.filter { !$0.durations.hasFiniteReciprocalMean })
        #expect(infinite == [.exponential, .longLived])
        #expect(DurationDistribution.shiftedExponential(minimum: 0, extraMean: 1).hasFiniteReciprocalMean == false)
        #expect(DurationDistribution.shiftedExponential(minimum: 0.1, extraMean: 1).hasFiniteReciprocalMean)
        #expect(DurationDistribution.constant(seconds: 0).hasFiniteReciprocalMean == false)
        #expect(DurationDistribution.mixture([.init(weight: 9, .constant(seconds: 1)), .init(weight: 1, .exponential(mean: 1))])
            .hasFiniteReciprocalMean == false)
    }
}
