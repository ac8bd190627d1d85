import LoadBalancing

/// Routes with a library selector: the very `pick` and `release` a proxy would call.
///
/// The selector comes from `SelectorKind.makeSelector(weights:lock:seed:)`, so every kind in
/// the catalogue is simulated without naming it here. It is driven from one thread, so its
/// lock is never contended; the spinlock is used because its uncontended round trip is the
/// cheapest. Exact kinds therefore make exactly the choices of `ReferenceLeastConnections`.
///
/// - Complexity: the selector's pick and release.
/// - Note: Not thread-safe (a router); memory is the selector's.
public struct SelectorRouter: Router {
    /// The selector routing this balancer's requests.
    public let selector: any ServerSelector
    /// The same selector when it can count connections it did not pick, for `refresh`.
    let assignable: (any AssignableSelector)?

    /// Builds a `kind` selector over `weights`.
    ///
    /// - Throws: `SimulationError.selector` when the library rejects the weights.
    public init(kind: SelectorKind, weights: [Int], seed: UInt64) throws(SimulationError) {
        do {
            selector = try kind.makeSelector(weights: weights, lock: .spin, seed: seed)
        } catch {
            throw .selector(error)
        }
        assignable = selector as? any AssignableSelector
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
        guard let assignable else { preconditionFailure("assign(_:) called on a router that cannot assign") }
        assignable.assign(ServerID(server))
    }

    public var canAssign: Bool { assignable != nil }
}
