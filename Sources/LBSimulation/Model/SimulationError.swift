import LoadBalancing

/// Why a simulation could not run: bad input, which the command line reports in one line and
/// exit status 64, never a crash.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of `SimulationConfiguration` is out of range.
    case invalidConfiguration(String)
    /// The selector library refused the weights.
    case selector(SelectorConfigurationError)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): reason
        case let .selector(error): error.description
        }
    }
}
