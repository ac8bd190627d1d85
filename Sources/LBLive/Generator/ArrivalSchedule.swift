import Foundation
import LBRandom
import LBWorkloads
import LoadBalancing

/// One request the open-loop generator sends: when, and how much work it needs.
public struct Arrival: Sendable, Equatable {
    /// Seconds after the run starts.
    public var time: Double
    /// Work in units of the mean request (mean 1, as the simulator's sizes).
    public var size: Double
}

/// Open-loop arrivals: a Poisson stream at a rate, sizes from a distribution of mean 1, drawn
/// up front from one seed so that every balancer in a run gets exactly the same requests.
///
/// - Note: A value; thread-safe.
public enum ArrivalSchedule {
    /// Poisson arrivals at `rate` per second over `[0, duration)`, at most `maximumRequests`.
    ///
    /// - Complexity: O(requests).
    public static func poisson(
        rate: Double, duration: Double, maximumRequests: Int, sizes: DurationDistribution, seed: UInt64
    ) -> [Arrival] {
        precondition(rate > 0 && duration > 0 && maximumRequests >= 0, "a schedule needs a positive rate and duration")
        var timing = SplitMix64(seed: seed)
        var sizing = SplitMix64(seed: seed ^ 0x5EED_5A2E)
        var arrivals: [Arrival] = []
        var time = 0.0
        while arrivals.count < maximumRequests {
            time += -log(timing.nextUnitInterval()) / rate
            if time >= duration { break }
            arrivals.append(Arrival(time: time, size: sizes.sample(using: &sizing)))
        }
        return arrivals
    }
}
