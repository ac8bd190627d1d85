/// A thread-safe server selector: what a proxy calls on every request.
///
/// # Thread safety
/// Conformers are safe to call from any number of threads at once. An *exact* selector
/// (`LockedSelector` over an exact policy) picks a server of minimal score at the moment it
/// holds its lock; an *approximate* one (lock-free scans, striped counts, p2c) documents how
/// far from minimal a pick may be. Counts are never lost: after every picked connection has
/// been released, every server's active count is 0.
///
/// Misuse (releasing a server that has no active connection, or an unknown id) stops the
/// process in every build configuration, as for `SelectionPolicy`.
public protocol ServerSelector: AnyObject, Sendable {
    /// The number of servers, drained ones included.
    var serverCount: Int { get }

    /// Chooses a server, counts one more active connection on it, and returns it;
    /// `nil` when every server is drained.
    func pick() -> ServerID?

    /// Counts one fewer active connection on `server`.
    func release(_ server: ServerID)

    /// Counts one more active connection on `server`, chosen by the caller: `release(_:)`'s
    /// counterpart going up.
    ///
    /// Least-connections counts are only right if they include every connection a server
    /// holds, not just the ones the selector picked. A proxy that pins a client to a server
    /// (session affinity, a consistent hash) still opens a connection there, and HAProxy
    /// repositions the server in its leastconn tree whoever chose it; a balancer that refreshes
    /// its view of connections opened by *other* balancers (several proxy instances sharing
    /// counts every Δ) must add those too.
    ///
    /// The connection counts exactly as a pick that chose `server` would: an exact selector
    /// advances the server's virtual time and last-change stamp (see
    /// `ReferenceLeastConnections`). It is allowed on a drained server (weight 0), whose
    /// connections still count. An unknown id, or a count beyond
    /// `SelectorLimits.maximumActiveConnections`, stops the process as misuse does elsewhere.
    func assign(_ server: ServerID)

    /// Sets `server`'s weight at run time; 0 drains it (no new picks, releases still count).
    ///
    /// - Throws: `SelectorConfigurationError` for an unknown server or an invalid weight.
    func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError)

    /// Every server's active connections. Selectors behind one lock (`LockedSelector`,
    /// `CombiningSelector`) return a consistent snapshot; `PartitionedSelector` locks its
    /// shards one after another, so each shard's counts are a snapshot of that shard but
    /// shards are read at different moments, so the whole may match no single moment (a pick
    /// and a release in two shards during the read may both show, or neither); lock-free ones
    /// read each server's count separately while others may be changing them.
    func activeConnections() -> [Int]

    /// Every server's current weight.
    func weights() -> [Int]

    /// What this selector has counted about waiting for its lock or retrying its atomics
    /// since it was created.
    func contentionStatistics() -> ContentionStatistics
}

extension ServerSelector {
    /// Picks a server, runs `body` with it, and releases it on every exit path, thrown
    /// errors included.
    ///
    /// - Returns: `body`'s result, or `nil` without calling `body` when every server is drained.
    @inlinable
    public func withConnection<Result, Failure: Error>(
        _ body: (ServerID) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        guard let server = pick() else { return nil }
        defer { release(server) }
        return try body(server)
    }

    /// The async form of `withConnection(_:)`: the connection is released when `body`
    /// returns, throws, or is cancelled.
    @inlinable
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ServerID) async throws -> sending Result
    ) async rethrows -> sending Result? {
        guard let server = pick() else { return nil }
        defer { release(server) }
        return try await body(server)
    }
}
