/// A single-threaded least-connections (or baseline) algorithm: the *policy*.
///
/// A policy owns every server's weight and active-connection count and decides which server
/// the next pick goes to. It does no synchronization of its own: `LockedSelector` makes any
/// policy safe to call from many threads behind a lock of the caller's choosing, so the same
/// algorithm can be measured behind a blocking mutex and behind a spinning lock, and against
/// lock-free selectors, on equal terms.
///
/// # Contract for conformers
/// - `pick()` chooses a server with weight > 0, counts one more active connection on it and
///   returns it; it returns `nil` only when every server is drained (weight 0).
/// - An *exact* policy (`isExact`) picks a server of minimal score `active / weight`. Ties are
///   broken by the canonical rule of `ReferenceLeastConnections`: the tied server with the
///   earliest virtual time wins, a pick advancing it by `1 / weight`, so tied servers share
///   picks in proportion to their weights (at light load the weights hold as in smooth
///   weighted round robin; never "lowest index wins", the bug of APISIX #9325 and Envoy #30794).
/// - `release(_:)` counts one fewer active connection. Releasing a server with no active
///   connection, or an id outside `0..<serverCount`, stops the process (`fatalError`) in
///   every build configuration and never drives a count negative.
/// - `setWeight(_:for:)` changes a weight at run time. Weight 0 drains the server: it gets
///   no new picks, and its active connections still release normally.
///
/// # Thread safety
/// None: a policy is a value confined to one thread, or guarded by a lock.
public protocol SelectionPolicy {
    /// Builds the policy for `weights.count` servers. `seed` drives any randomness the policy
    /// uses (p2c's draws); deterministic policies ignore it.
    ///
    /// - Throws: `SelectorConfigurationError` for an empty list, a negative or too large
    ///   weight, or all weights 0.
    init(weights: [Int], seed: UInt64) throws(SelectorConfigurationError)

    /// Whether every pick has minimal score (see the contract above).
    static var isExact: Bool { get }

    /// The number of servers, drained ones included.
    var serverCount: Int { get }

    /// Chooses a server, counts one more active connection on it, and returns it;
    /// `nil` when every server is drained.
    mutating func pick() -> ServerID?

    /// Counts one fewer active connection on `server`.
    mutating func release(_ server: ServerID)

    /// Counts one more active connection on `server`, chosen by the caller (see
    /// `ServerSelector.assign(_:)` for why and for the contract). An exact policy advances the
    /// server's virtual time and last-change stamp as a pick of it would.
    ///
    /// - Complexity: the policy's cost of repositioning one server after a pick.
    mutating func assign(_ server: ServerID)

    /// Sets `server`'s weight; 0 drains it.
    ///
    /// - Throws: `SelectorConfigurationError` for an unknown server or an invalid weight.
    ///   Draining the last server with weight > 0 is allowed: `pick()` then returns `nil`.
    mutating func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError)

    /// The active connections of `server`. An unknown id stops the process
    /// (`SelectorMisuse.checkKnown`), as it does in `release(_:)`.
    func activeConnections(of server: ServerID) -> Int

    /// The weight of `server`. An unknown id stops the process, as in `activeConnections(of:)`.
    func weight(of server: ServerID) -> Int
}

extension SelectionPolicy {
    /// Every server's active connections, indexed by `ServerID.index`.
    ///
    /// - Complexity: O(n).
    public func activeConnections() -> [Int] {
        (0..<serverCount).map { activeConnections(of: ServerID($0)) }
    }

    /// Every server's weight, indexed by `ServerID.index`.
    ///
    /// - Complexity: O(n).
    public func weights() -> [Int] {
        (0..<serverCount).map { weight(of: ServerID($0)) }
    }
}
