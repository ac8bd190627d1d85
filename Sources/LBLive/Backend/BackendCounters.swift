import NIOCore

/// What one backend counted since it started: requests, and requests in flight over time.
///
/// A run reads the counters at its start and end; the difference gives its requests, and the
/// difference of `inFlightSeconds` over the run's length its time-averaged requests in flight.
///
/// - Note: A value; thread-safe.
public struct BackendCounters: Sendable, Equatable {
    /// Requests admitted.
    public var requests = 0
    /// Requests admitted that need more work than the backend's `longWork` (`LiveBackend.start`):
    /// with the run's mean size there, the long requests of the report's short/long split.
    public var longRequests = 0
    /// Connections accepted.
    public var connections = 0
    /// ∫ (requests in flight) dt, in request-seconds.
    public var inFlightSeconds = 0.0
    /// The most requests in flight at once since the reading that started the window
    /// (`LiveBackend.counters(startingWindow:)`), or since the backend started.
    public var maximumInFlight = 0
    /// Requests in flight now.
    public var inFlight = 0
    /// When the integral was last brought up to date, in seconds of `LiveClock`.
    var updated = 0.0

    /// Brings the integral to `now`, then records that `inFlight` became `count`.
    mutating func record(inFlight count: Int, at now: Double) {
        if now > updated {
            inFlightSeconds += Double(inFlight) * (now - updated)
            updated = now
        }
        inFlight = count
        maximumInFlight = max(maximumInFlight, count)
    }
}

/// Monotonic time in seconds as a `Double`, on the clock NIO schedules timers by.
enum LiveClock {
    static func now() -> Double { seconds(NIODeadline.now()) }
    static func seconds(_ deadline: NIODeadline) -> Double { Double(deadline.uptimeNanoseconds) / 1e9 }
    static func deadline(_ seconds: Double) -> NIODeadline { .uptimeNanoseconds(UInt64(max(seconds, 0) * 1e9)) }
}
