import LoadBalancing

/// What a simulated balancer routes with: a library selector, or random routing.
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

    /// The name of the random router on the command line.
    public static let randomName = "random"

    /// Every router this build knows, library selectors first (`SelectorKind.allCases`), then
    /// `random`.
    ///
    /// - Complexity: O(kinds).
    public static var allCases: [RouterKind] {
        SelectorKind.allCases.map(RouterKind.selector) + [.random]
    }

    /// Parses a command-line name: a `SelectorKind` raw value, or `random`. `nil` when this
    /// build has no such selector (for instance `round-robin` before it is merged).
    ///
    /// - Complexity: O(kinds).
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
