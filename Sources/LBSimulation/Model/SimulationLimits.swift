/// The ranges of the simulator's numeric inputs that its command line checks before any work
/// starts: each one what the simulator can honour in time, memory or precision.
///
/// - Note: Constants; thread-safe.
public enum SimulationLimits {
    /// Servers: one server model and, per balancer, one selector over every server.
    public static let servers = 1...SimulationConfiguration.maximumServers
    /// Balancers: one selector each (and with `refresh`, a view of every server each).
    public static let balancers = 1...SimulationConfiguration.maximumBalancers
    /// Jobs: at least 10 per batch of the confidence intervals; at most 10⁹, so that the
    /// measured jobs and the tenth as many of warm-up stay 32-bit request numbers and a run
    /// takes minutes, not hours, at a few million requests per second.
    public static let jobs = 300...1_000_000_000
    /// Utilisation ρ of Poisson arrivals. Below 0.001 simulated time outruns a Double's
    /// precision: 10⁹ jobs at ρ = 0.001 on one server end near 10¹² time units, where a Double
    /// still resolves 2·10⁻⁴ of a mean service time, and a smaller ρ would round service times
    /// away. Above 0.999 the queues do not reach steady state within a run (an M/M/1 queue at
    /// ρ = 0.999 holds 999 requests on average, relaxing over millions of service times).
    public static let utilization = 0.001...0.999
    /// The longest refresh period: beyond it no run of at most 10⁹ jobs sees a refresh.
    public static let maximumRefresh = 1e12

    /// The shortest refresh period a run may have: every balancer refreshes at most once per
    /// `balancers` requests on average (`balancers / arrival rate`), so refreshes never
    /// outnumber requests and a run's cost still grows with its jobs, not its simulated time.
    ///
    /// - Parameter arrivalRate: requests per time unit, or for a closed population a lower
    ///   bound of its throughput.
    public static func minimumRefresh(balancers: Int, arrivalRate: Double) -> Double {
        Double(balancers) / arrivalRate
    }
}
