/// How a live backend turns requests into completion times: the simulator's server models,
/// driven by real time instead of virtual time.
///
/// A request brings its *work*: seconds of service on a speed-1 server. The model decides when
/// each admitted request completes; the backend calls `takeCompleted(at:)` at
/// `nextCompletion()` (or later: a late timer only delays the response, the model still
/// computes from the real time it is given).
///
/// - Note: Not thread-safe: a value owned by one backend's event loop.
protocol CapacityModel {
    /// Requests admitted and neither completed nor cancelled.
    var inFlight: Int { get }
    /// Admits request `job` needing `work` seconds of service on a speed-1 server at time `now`.
    mutating func admit(_ job: UInt64, work: Double, at now: Double)
    /// Forgets request `job` (its client went away); no effect when it is not in flight.
    mutating func cancel(_ job: UInt64, at now: Double)
    /// When the earliest request in flight completes if nothing else arrives; `nil` when idle.
    mutating func nextCompletion() -> Double?
    /// Removes and returns every request complete at `now`, earliest first.
    mutating func takeCompleted(at now: Double) -> [UInt64]
}

/// A backend's capacity model as the command line names it.
///
/// - Note: A value; thread-safe.
public enum CapacitySpecification: Sendable, Equatable, CustomStringConvertible {
    /// Processor sharing: every request in flight progresses at `speed / count`.
    case processorSharing
    /// `slots` requests served at once, each at `speed / slots`, first come first served; the
    /// rest wait in line. One slot is the simulator's `fcfs` server.
    case firstComeFirstServed(slots: Int)

    /// The most slots a backend may have.
    public static let maximumSlots = 1_024

    public var description: String {
        switch self {
        case .processorSharing: "ps"
        case let .firstComeFirstServed(slots): slots == 1 ? "fcfs" : "fcfs, \(slots) slots"
        }
    }

    /// A fresh model of this kind for a backend of total speed `speed`.
    func makeModel(speed: Double) -> any CapacityModel {
        switch self {
        case .processorSharing: ProcessorSharingCapacity(speed: speed)
        case let .firstComeFirstServed(slots): SlotsCapacity(speed: speed, slots: slots)
        }
    }
}
