/// Why a selector could not be built, or a weight could not be changed.
///
/// These are recoverable input errors (a bad configuration file, a bad command-line flag);
/// misuse by the calling program, such as releasing a connection that was never picked,
/// stops the process instead (see `SelectorMisuse`).
public enum SelectorConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The weights list is empty.
    case noServers
    /// A weight is negative.
    case negativeWeight(server: Int, weight: Int)
    /// A weight exceeds `SelectorLimits.maximumWeight`.
    case weightTooLarge(server: Int, weight: Int)
    /// Every weight is 0, so no server could ever be picked.
    case allServersDrained
    /// `setWeight` named a server outside `0..<serverCount`.
    case unknownServer(server: Int, serverCount: Int)
    /// The selector's structure cannot hold this many servers.
    case tooManyServers(count: Int, maximum: Int)

    public var description: String {
        switch self {
        case .noServers:
            "a selector needs at least one server, but the weights list is empty"
        case let .negativeWeight(server, weight):
            "server \(server) has weight \(weight); weights must be 0 (drained) or positive"
        case let .weightTooLarge(server, weight):
            "server \(server) has weight \(weight); the largest weight is \(SelectorLimits.maximumWeight)"
        case .allServersDrained:
            "every server has weight 0 (drained), so no server could ever be picked"
        case let .unknownServer(server, serverCount):
            "server \(server) does not exist; servers are numbered 0..<\(serverCount)"
        case let .tooManyServers(count, maximum):
            "\(count) servers requested, but this selector holds at most \(maximum)"
        }
    }
}

/// Validation shared by every selector and policy.
package enum WeightValidation {
    /// The largest server count any selector accepts: ids must fit the 32-bit links the
    /// index-based structures use.
    package static let maximumServerCount = Int(Int32.max)

    /// Checks a whole weights list for a new selector.
    ///
    /// - Throws: `SelectorConfigurationError` naming the first problem found.
    /// - Complexity: O(n).
    package static func validate(_ weights: [Int]) throws(SelectorConfigurationError) {
        if weights.isEmpty { throw .noServers }
        if weights.count > maximumServerCount {
            throw .tooManyServers(count: weights.count, maximum: maximumServerCount)
        }
        var anyPositive = false
        for (server, weight) in weights.enumerated() {
            try validate(weight, for: server)
            anyPositive = anyPositive || weight > 0
        }
        if !anyPositive { throw .allServersDrained }
    }

    /// Checks one weight: 0 (drained) through `SelectorLimits.maximumWeight`.
    package static func validate(_ weight: Int, for server: Int) throws(SelectorConfigurationError) {
        if weight < 0 { throw .negativeWeight(server: server, weight: weight) }
        if weight > SelectorLimits.maximumWeight { throw .weightTooLarge(server: server, weight: weight) }
    }

    /// Checks that `server` names one of `serverCount` servers, for `setWeight`.
    package static func validate(_ server: ServerID, serverCount: Int) throws(SelectorConfigurationError) {
        guard server.index >= 0 && server.index < serverCount else {
            throw .unknownServer(server: server.index, serverCount: serverCount)
        }
    }
}
