import LoadBalancing

/// Why a simulation could not run: bad input, which the command line reports in one line and
/// exit status 64, never a crash.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of `SimulationConfiguration` is out of range.
    case invalidConfiguration(String)
    /// The selector library refused the weights.
    case selector(SelectorConfigurationError)
    /// `refresh` needs a router that can count connections other balancers opened
    /// (`Router.canAssign`), and this one cannot.
    case refreshUnsupported(router: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): reason
        case let .selector(error): error.description
        case let .refreshUnsupported(router):
            "\(router) cannot count connections other balancers opened (it cannot assign), "
                + "so it cannot model --refresh"
        }
    }
}
