import LBReporting

/// Where requests come from.
///
/// - Note: A value; thread-safe.
public enum Traffic: Sendable, Equatable, CustomStringConvertible {
    /// Poisson arrivals at the rate that gives utilisation `utilization` = arrival rate × mean
    /// size ÷ total speed, with `0 < utilization < 1`.
    case open(utilization: Double)
    /// A closed population of `population` clients; each sends a request, waits for its
    /// response, then thinks for an exponential time of mean `thinkTime` (0: sends the next
    /// one at once) before sending the next.
    case closed(population: Int, thinkTime: Double)

    public var description: String {
        switch self {
        case let .open(utilization): "Poisson arrivals, ρ = \(NumberFormat.significant(utilization, digits: 4))"
        case let .closed(population, thinkTime):
            "closed population of \(population), think time \(NumberFormat.significant(thinkTime, digits: 4))"
        }
    }
}
