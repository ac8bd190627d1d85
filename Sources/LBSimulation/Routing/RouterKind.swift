import LoadBalancing

/// What a simulated balancer routes with: a library selector, random routing, or a model of a
/// peer balancer's rule.
///
/// Selectors are found through `SelectorKind`, so every kind merged into the library is
/// simulated without a change here, and names of kinds a build lacks simply do not parse.
///
/// - Note: A value; thread-safe.
public enum RouterKind: Hashable, Sendable, CustomStringConvertible {
    /// A library selector, driven single-threaded.
    case selector(SelectorKind)
    /// Uniformly random routing, in proportion to weight.
    case random
    /// HAProxy 2.6's `balance leastconn` (`HAProxyLeastConnectionsRouter`).
    case haproxyLeastConnections
    /// nginx's `least_conn` (`NginxLeastConnectionsRouter`).
    case nginxLeastConnections

    /// The name of the random router on the command line.
    public static let randomName = "random"

    /// The routers that are not library selectors, in the order `allCases` lists them.
    public static let others: [RouterKind] = [.random, .haproxyLeastConnections, .nginxLeastConnections]

    /// Every router this build knows, library selectors first (`SelectorKind.allCases`), then
    /// `random` and the peer balancers' models.
    ///
    /// - Complexity: O(kinds).
    public static var allCases: [RouterKind] {
        SelectorKind.allCases.map(RouterKind.selector) + others
    }

    /// Parses a command-line name: a `SelectorKind` raw value, `random`, `haproxy-leastconn` or
    /// `nginx-least-conn`. `nil` when this build has no such router (for instance
    /// `round-robin` before it is merged).
    ///
    /// - Complexity: O(kinds).
    public init?(name: String) {
        if let other = Self.others.first(where: { $0.name == name }) {
            self = other
        } else if let kind = SelectorKind(rawValue: name) {
            self = .selector(kind)
        } else {
            return nil
        }
    }

    /// The name `init?(name:)` accepts.
    public var name: String {
        switch self {
        case let .selector(kind): kind.rawValue
        case .random: Self.randomName
        case .haproxyLeastConnections: "haproxy-leastconn"
        case .nginxLeastConnections: "nginx-least-conn"
        }
    }

    public var description: String { name }

    /// Whether a pick visits every server (O(n)): the scanning library selectors and both peer
    /// models (each a scan for the least key, as `NginxLeastConnectionsRouter` and
    /// `HAProxyLeastConnectionsRouter` document); `random` is O(1).
    public var pickScansEveryServer: Bool {
        switch self {
        case let .selector(kind): kind.pickScansEveryServer
        case .random: false
        case .haproxyLeastConnections, .nginxLeastConnections: true
        }
    }

    /// Refuses balancer weights this router cannot be given, with a one-line reason naming the
    /// server, its weight and the bound: HAProxy's model takes HAProxy's weights, 1...256; every
    /// other router takes whatever `SimulationConfiguration.validate()` accepts.
    ///
    /// - Complexity: O(n).
    public func check(weights: [Int]) throws(SimulationError) {
        if self == .haproxyLeastConnections { try HAProxyLeastConnectionsRouter.check(weights: weights) }
    }
}
