/// One balancer's routing logic as the simulator drives it: pick a server for each arriving
/// request, release it when the response is sent.
///
/// The library's selectors plug in through `SelectorRouter`; `RandomRouter` is the
/// random-routing baseline queueing theory describes (not a library selector). A router keeps
/// the counts its own decisions need; the simulator never inspects them.
///
/// # Contract for conformers
/// - `pick()` returns a server index in `0..<serverCount` and counts a connection on it.
/// - `release(_:)` is called once for every connection this router counts, when it completes.
/// - `assign(_:)` counts a connection this router did not pick (another balancer's, seen at a
///   view refresh).
///
/// # Thread safety
/// None needed: a simulation runs on one thread, and every router belongs to one balancer.
public protocol Router {
    /// Chooses a server for a new request and counts a connection on it.
    ///
    /// - Complexity: the conformer's; it is paid once per simulated request.
    mutating func pick() -> Int
    /// Counts one fewer connection on `server`.
    ///
    /// - Complexity: the conformer's; paid once per simulated request.
    mutating func release(_ server: Int)
    /// Counts one more connection on `server`, chosen elsewhere.
    ///
    /// - Complexity: the conformer's; paid per connection another balancer opened, at refreshes.
    mutating func assign(_ server: Int)
}
