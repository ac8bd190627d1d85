import LoadBalancing

/// Routes with a library selector: the very `pick`, `release` and `assign` a proxy would call.
///
/// `Simulation.run(_:router:)` gets the selector's concrete type from
/// `SelectorKind.withSelectorType(lock:_:)`, so every kind in the catalogue is simulated
/// without naming it here, each with its calls specialized. It is driven from one thread, so
/// its lock is never contended; the spinlock (`Simulation.selectorLock`) is used because its uncontended round trip is the
/// cheapest. Exact kinds therefore make exactly the choices of `ReferenceLeastConnections`.
///
/// - Complexity: the selector's pick, release and assign.
/// - Note: Not thread-safe (a router); memory is the selector's.
public struct SelectorRouter<Selector: ServerSelector>: Router {
    /// The selector routing this balancer's requests.
    public let selector: Selector

    /// Routes with `selector`, which must be fresh (no connection in flight).
    public init(_ selector: Selector) {
        self.selector = selector
    }

    public mutating func pick() -> Int {
        // Simulated weights are all positive (validated), so a selector always has a server.
        guard let server = selector.pick() else { preconditionFailure("a selector over positive weights returned no server") }
        return server.index
    }

    public mutating func release(_ server: Int) {
        selector.release(ServerID(server))
    }

    public mutating func assign(_ server: Int) {
        selector.assign(ServerID(server))
    }
}
