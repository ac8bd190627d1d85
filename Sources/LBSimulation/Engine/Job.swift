/// One simulated request, from arrival to completion.
///
/// 24 bytes, so server queues stay dense.
struct Job {
    /// When it arrived.
    var arrival: Double
    /// The work it needs; a server of speed `w` serves it alone in `size / w`.
    var size: Double
    /// Its place in arrival order, which decides whether (and in which batch) it is measured.
    var sequence: Int32
    /// The balancer that picked its server, which must also release it.
    var balancer: Int32
}
