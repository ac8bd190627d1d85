import LBRandom
import LoadBalancing

/// Independent random streams derived from a run's seed, one per source of randomness.
///
/// Arrivals and sizes have their own streams, separate from the balancers', so every router
/// compared under the same seed sees exactly the same requests (common random numbers):
/// differences between routers are the routers', not sampling noise. With open traffic they
/// arrive at the same times too; a closed population's arrivals follow its completions, so
/// there only the sizes, by arrival index, are the same.
struct SeedStreams {
    let seed: UInt64

    var arrivals: UInt64 { derive(1) }
    var sizes: UInt64 { derive(2) }
    var balancerChoice: UInt64 { derive(3) }

    /// The seed of balancer `index`'s router; distinct per balancer so that several p2c
    /// balancers do not draw the same servers in lockstep.
    func router(_ index: Int) -> UInt64 { derive(1_000 + UInt64(index)) }

    /// The seed of independent replication `index` of a run with this seed: a stream of its
    /// own (above every router's), so replications share no random numbers with each other.
    func replication(_ index: Int) -> UInt64 { derive(1 << 32 + UInt64(index)) }

    private func derive(_ stream: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return generator.next()
    }
}
