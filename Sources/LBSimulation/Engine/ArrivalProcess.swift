import LBRandom
import LoadBalancing

/// When the next request arrives: a Poisson stream, or a closed population of clients.
///
/// A closed population with exponential think times needs no event per client: by
/// memorylessness the next arrival from `m` thinking clients is exponential with rate `m / Z`
/// whatever they did before, so the time is simply redrawn whenever `m` changes.
///
/// - Complexity: O(1) per arrival and per completion. Memory: O(1).
/// - Note: Not thread-safe.
struct ArrivalProcess {
    private enum Source {
        case poisson(rate: Double)
        case closed(thinkTime: Double)
    }

    private let source: Source
    private var random: SplitMix64
    /// Closed population: clients thinking, i.e. not waiting for a response.
    private var thinking: Int
    /// When the next request arrives; `+infinity` when every client of a closed population waits.
    private(set) var nextTime: Double

    init(traffic: Traffic, totalSpeed: Double, seed: UInt64) {
        random = SplitMix64(seed: seed)
        switch traffic {
        case let .open(utilization):
            // Sizes have mean 1, so utilisation ρ needs arrival rate ρ × total speed.
            source = .poisson(rate: utilization * totalSpeed)
            thinking = 0
            nextTime = 0
            nextTime = exponential(rate: utilization * totalSpeed)
        case let .closed(population, thinkTime):
            source = .closed(thinkTime: thinkTime)
            thinking = population
            nextTime = 0
            scheduleClosed(at: 0, thinkTime: thinkTime)
        }
    }

    /// A request arrived at `now`: draw the next one.
    mutating func arrived(at now: Double) {
        switch source {
        case let .poisson(rate):
            nextTime = now + exponential(rate: rate)
        case let .closed(thinkTime):
            thinking -= 1
            scheduleClosed(at: now, thinkTime: thinkTime)
        }
    }

    /// A request completed at `now`: in a closed population its client starts thinking.
    mutating func completed(at now: Double) {
        if case let .closed(thinkTime) = source {
            thinking += 1
            scheduleClosed(at: now, thinkTime: thinkTime)
        }
    }

    private mutating func scheduleClosed(at now: Double, thinkTime: Double) {
        if thinking == 0 {
            nextTime = .infinity
        } else if thinkTime == 0 {
            nextTime = now
        } else {
            nextTime = now + exponential(rate: Double(thinking) / thinkTime)
        }
    }

    private mutating func exponential(rate: Double) -> Double {
        -LibM.log(random.nextUnitInterval()) / rate
    }
}
