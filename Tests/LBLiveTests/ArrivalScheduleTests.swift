import LBLive
import LBWorkloads
import Testing

/// The open-loop generator's arrivals: Poisson at the asked rate, seeded, sizes of mean 1.
@Suite("Arrival schedule")
struct ArrivalScheduleTests {
    @Test("The count over a window matches the rate within 4 standard deviations", arguments: [1 as UInt64, 2, 3, 4, 5])
    func rate(seed: UInt64) {
        let rate = 70.0
        let window = 200.0
        let arrivals = ArrivalSchedule.poisson(
            rate: rate, duration: window, maximumRequests: 1_000_000, sizes: Workload.mixed.durations.normalizedToUnitMean,
            seed: seed
        )
        // A Poisson count has variance equal to its mean.
        let expected = rate * window
        #expect(abs(Double(arrivals.count) - expected) < 4 * expected.squareRoot())
        #expect(arrivals.allSatisfy { $0.time >= 0 && $0.time < window })
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test("The same seed gives the same schedule; another seed another")
    func seeded() {
        let sizes = Workload.exponential.durations.normalizedToUnitMean
        let first = ArrivalSchedule.poisson(rate: 50, duration: 10, maximumRequests: 10_000, sizes: sizes, seed: 9)
        let again = ArrivalSchedule.poisson(rate: 50, duration: 10, maximumRequests: 10_000, sizes: sizes, seed: 9)
        let other = ArrivalSchedule.poisson(rate: 50, duration: 10, maximumRequests: 10_000, sizes: sizes, seed: 10)
        #expect(first == again)
        #expect(first != other)
    }

    @Test("Sizes have mean 1 and the mixed workload's 1% long requests")
    func sizes() {
        let arrivals = ArrivalSchedule.poisson(
            rate: 1_000, duration: 200, maximumRequests: 1_000_000, sizes: Workload.mixed.durations.normalizedToUnitMean, seed: 3
        )
        let long = Double(arrivals.filter { $0.size > 1 }.count) / Double(arrivals.count)
        #expect(abs(long - 0.01) < 0.002)
        let mean = arrivals.reduce(0) { $0 + $1.size } / Double(arrivals.count)
        #expect(abs(mean - 1) < 0.1)
    }

    @Test("At most maximumRequests arrivals")
    func bounded() {
        let arrivals = ArrivalSchedule.poisson(
            rate: 1_000, duration: 100, maximumRequests: 123, sizes: .constant(seconds: 1), seed: 1
        )
        #expect(arrivals.count == 123)
    }

    /// A mutant that drew the sizes from the gaps' own random stream survived the tests above:
    /// each exponential size then equals its gap times the rate.
    @Test("Sizes are drawn independently of the gaps between arrivals")
    func sizesIndependentOfGaps() {
        let rate = 100.0
        let arrivals = ArrivalSchedule.poisson(
            rate: rate, duration: 400, maximumRequests: 1_000_000, sizes: Workload.exponential.durations.normalizedToUnitMean,
            seed: 4
        )
        var gaps: [Double] = []
        var previous = 0.0
        for arrival in arrivals {
            gaps.append(arrival.time - previous)
            previous = arrival.time
        }
        let sizes = arrivals.map(\.size)
        // Pearson's correlation: about ±1/√n (n ≈ 40,000, so ±0.005) when independent; 1 from one stream.
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let (gapMean, sizeMean) = (mean(gaps), mean(sizes))
        let covariance = zip(gaps, sizes).reduce(0) { $0 + ($1.0 - gapMean) * ($1.1 - sizeMean) }
        let gapSquares = gaps.reduce(0) { $0 + ($1 - gapMean) * ($1 - gapMean) }
        let sizeSquares = sizes.reduce(0) { $0 + ($1 - sizeMean) * ($1 - sizeMean) }
        let correlation = covariance / (gapSquares * sizeSquares).squareRoot()
        #expect(arrivals.count > 35_000)
        #expect(abs(correlation) < 0.05, "correlation of gaps and sizes \(correlation)")
    }
}
