/// One completed, measured request: its size, when it was due and the latency the generator saw.
public struct RequestSample: Sendable, Equatable {
    /// Work in units of the mean request.
    public var size: Double
    /// Seconds from writing the request to reading the response's last byte.
    public var latency: Double
    /// When the request was due (open loop: its scheduled time; closed loop: when it was sent),
    /// in seconds after the measurement window opened, in `0..<duration`.
    public var windowTime: Double

    public init(size: Double, latency: Double, windowTime: Double) {
        self.size = size
        self.latency = latency
        self.windowTime = windowTime
    }
}

/// What the load generator saw in one run, for one balancer.
///
/// - Note: A value; thread-safe.
public struct GeneratorOutcome: Sendable {
    /// Measured requests (sent inside the measurement window) that completed with status 200.
    public var samples: [RequestSample] = []
    /// Requests sent, warm-up included.
    public var sent = 0
    /// Requests that failed: refused or broken connections, or a status other than 200.
    public var errors = 0
    /// Requests still waiting for a response when the drain time ran out (closed, not counted).
    public var unfinished = 0
    /// The latest an open-loop request was written to this port after its scheduled time, in
    /// seconds: how far the generator fell behind, itself or waiting for a connection (the
    /// latency, from the write, leaves that out). 0 in a closed loop.
    public var maximumLag = 0.0
    /// The mean of that lateness over every open-loop request written to this port, in seconds.
    public var meanLag = 0.0
    /// Client connections opened.
    public var connectionsOpened = 0
    /// Length of the measurement window, in seconds.
    public var windowSeconds = 0.0
}
