/// A policy that can count a connection on a server the caller chose itself.
///
/// Least-connections counts are only right if they include every connection a server holds,
/// not just the ones the policy picked. A proxy that pins a client to a server (session
/// affinity, a consistent hash) still opens a connection there, and HAProxy repositions the
/// server in its leastconn tree whoever chose it; a balancer that refreshes its view of
/// connections opened by *other* balancers (several proxy instances sharing counts every Δ)
/// must add those too. `release(_:)` already takes a count down on a named server; `assign(_:)`
/// is its counterpart going up.
///
/// # Contract for conformers
/// `assign(_:)` counts one more active connection on `server` exactly as a pick that chose it
/// would: an exact policy advances the server's virtual time and last-change stamp (see
/// `ReferenceLeastConnections`). It is allowed on a drained server (weight 0), whose
/// connections still count. An unknown id, or a count beyond
/// `SelectorLimits.maximumActiveConnections`, stops the process as misuse does elsewhere.
///
/// # Thread safety
/// None: a policy. `LockedSelector` makes it an `AssignableSelector`.
public protocol AssignablePolicy: SelectionPolicy {
    /// Counts one more active connection on `server`, chosen by the caller.
    ///
    /// - Complexity: the policy's cost of repositioning one server after a pick.
    mutating func assign(_ server: ServerID)
}

/// A thread-safe selector that can count a connection on a server the caller chose itself;
/// see `AssignablePolicy` for why and for the contract.
///
/// # Thread safety
/// Conformers are safe to call from any number of threads at once, like every `ServerSelector`.
public protocol AssignableSelector: ServerSelector {
    /// Counts one more active connection on `server`, chosen by the caller.
    func assign(_ server: ServerID)
}

extension LockedSelector: AssignableSelector where Policy: AssignablePolicy {
    /// Counts one more active connection on `server` under the lock.
    ///
    /// - Complexity: the policy's `assign`, plus one lock acquisition.
    /// - Note: Thread-safe.
    @inlinable
    public func assign(_ server: ServerID) {
        withGuarded { $0.policy.assign(server) }
    }
}
