/// One simulated request, from arrival to completion.
///
/// 24 bytes, so server queues stay dense.
struct Job {
    /// The most requests a run may number: `sequence` is 32 bits unsigned, so arrivals are
    /// numbered `0..<2³²`. `SimulationConfiguration.validate()` keeps `arrivalCap` within it.
    static let numberableArrivals = Int(UInt32.max) + 1

    /// When it arrived.
    var arrival: Double
    /// The work it needs; a server of speed `w` serves it alone in `size / w`.
    var size: Double
    /// Its place in arrival order, which decides whether (and in which batch) it is measured;
    /// below `numberableArrivals`.
    var sequence: UInt32
    /// The balancer that picked its server, which must also release it.
    var balancer: Int32
}
