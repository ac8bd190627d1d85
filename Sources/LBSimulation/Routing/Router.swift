import LoadBalancing

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
///   view refresh). It is called only if `canAssign` is true.
///
/// # Thread safety
/// None needed: a simulation runs on one thread, and every router belongs to one balancer.
public protocol Router {
    /// Chooses a server for a new request and counts a connection on it.
    mutating func pick() -> Int
    /// Counts one fewer connection on `server`.
    mutating func release(_ server: Int)
    /// Counts one more connection on `server`, chosen elsewhere.
    mutating func assign(_ server: Int)
    /// Whether `assign(_:)` is supported, which modelling shared counts (`refresh`) needs.
    var canAssign: Bool { get }
}

/// What a simulated balancer routes with: a library selector, or random routing.
public enum RouterKind: Hashable, Sendable, CustomStringConvertible {
    /// A library selector, driven single-threaded.
    case selector(SelectorKind)
    /// Uniformly random routing, in proportion to weight.
    case random

    /// The name of the random router on the command line.
    public static let randomName = "random"

    /// Every router this build knows, library selectors first (`SelectorKind.allCases`), then
    /// `random`.
    public static var allCases: [RouterKind] {
        SelectorKind.allCases.map(RouterKind.selector) + [.random]
    }

    /// Parses a command-line name: a `SelectorKind` raw value, or `random`. `nil` when this
    /// build has no such selector (for instance `round-robin` before it is merged).
    public init?(name: String) {
        if name == Self.randomName {
            self = .random
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
        }
    }

    public var description: String { name }
}
