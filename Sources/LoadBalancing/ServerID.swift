/// A backend server, identified by its dense index `0..<serverCount` in the selector that owns it.
///
/// Selectors store per-server state in arrays indexed by `ServerID.index`, so an id is only
/// meaningful for the selector (or policy) it came from.
@frozen
public struct ServerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The server's position, `0..<serverCount`.
    public let index: Int

    @inlinable
    public init(_ index: Int) { self.index = index }

    @inlinable
    public static func < (lhs: ServerID, rhs: ServerID) -> Bool { lhs.index < rhs.index }

    public var description: String { "server \(index)" }
}
