import Atomics

/// `round-robin`, thread-safe and lock-free: one atomic ticket counter indexes a precomputed
/// period of NGINX's smooth weighted round robin.
///
/// The baseline of the seed article, and not least connections at all: picks follow the
/// schedule whatever the counts say. Each pick takes a ticket with one atomic add, reads
/// entry `ticket % period` of the published schedule (`PublishedSchedule`, republished by
/// `setWeight` without blocking readers), and adds the connection to that server's count,
/// which is kept so the harness can see load and leaks. Called from one thread it makes
/// exactly the choices of `RoundRobinPolicy`; equal weights with one connection in flight
/// rotate exactly.
///
/// # Weight changes while other threads pick
/// `setWeight` stores the weight, then publishes the new schedule. A pick that reads an entry
/// of a server drained since the old schedule was built finds the 0 after claiming it
/// (`AtomicWeightTable`), gives the connection back and takes the next ticket, so no pick that
/// starts after `setWeight(0, …)` returns gets the drained server and a drain can be waited for
/// (its count, once seen at 0, stays 0). If every server of the old
/// schedule was drained, picks keep taking tickets until the writer publishes (the only
/// moment a pick depends on the writer's progress).
///
/// The ticket is one cache line written by every pick: under contention it is the single
/// hot spot, which is what this baseline is there to show.
///
/// - Complexity: pick O(1) (one atomic add on the shared ticket, one on the server's count);
///   release O(1) (compare-and-swap that refuses to go below 0); `setWeight` O(n + W·D) as
///   `RoundRobinPolicy`, serialized by a writer lock.
///   Memory: 72 bytes per server (a padded count and a packed weight) plus the schedule,
///   at most 4 × 4 bytes per entry (16 bytes per server when weights are equal).
/// - Note: Thread-safe. Lock-free picks and releases.
public final class RoundRobinSelector: ServerSelector {
    public let serverCount: Int
    private let weightTable: AtomicWeightTable
    private let active: ActiveCounts
    private let ticket: AtomicCounterArray<Int>
    private let schedule: PublishedSchedule

    /// - Parameter layout: how the per-server counts are laid out; padded by default, since
    ///   consecutive tickets go to neighbouring servers.
    /// - Throws: `SelectorConfigurationError` for bad weights.
    public init(weights: [Int], layout: CounterLayout = .cacheLinePerCounter) throws(SelectorConfigurationError) {
        try WeightValidation.validate(weights)
        serverCount = weights.count
        weightTable = AtomicWeightTable(validated: weights)
        active = ActiveCounts(serverCount: weights.count, layout: layout)
        ticket = AtomicCounterArray(count: 1, layout: .cacheLinePerCounter)
        schedule = PublishedSchedule(SmoothWeightedSchedule.period(weights: weights))
    }

    public func pick() -> ServerID? {
        while true {
            // Relaxed: the ticket only orders the rotation; the schedule read synchronizes itself.
            let turn = UInt(bitPattern: ticket[0].loadThenWrappingIncrement(ordering: .relaxed))
            guard let server = schedule.entry(at: turn) else {
                if weightTable.noneEligible() { return nil }
                continue  // a server was undrained and its schedule is being published
            }
            active.claim(server)
            if weightTable.isDrained(afterClaiming: server) {
                active.release(server)
                continue
            }
            return ServerID(server)
        }
    }

    public func release(_ server: ServerID) {
        SelectorMisuse.checkKnown(server, serverCount: serverCount, in: "release")
        active.release(server.index)
    }

    public func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try weightTable.set(weight, for: server) { table in
            schedule.publish(SmoothWeightedSchedule.period(weights: table.snapshot()))
        }
    }

    public func activeConnections() -> [Int] {
        active.snapshot()
    }

    public func weights() -> [Int] { weightTable.snapshot() }

    public func contentionStatistics() -> ContentionStatistics {
        ContentionStatistics(casRetries: active.casRetries)
    }
}

/// Every mutable field is an atomic or the `PublishedSchedule`, whose writer runs under the
/// weight table's lock.
extension RoundRobinSelector: @unchecked Sendable {}

extension RoundRobinSelector: AssignableSelector {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: O(1): one atomic add on the server's count.
    /// - Note: Thread-safe.
    public func assign(_ server: ServerID) {
        active.assign(server, serverCount: serverCount)
    }
}
