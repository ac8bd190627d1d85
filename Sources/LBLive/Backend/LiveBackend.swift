import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 backend on 127.0.0.1 with a capacity model: a request's `x-lbbench-work-ns`
/// header says how many nanoseconds of service it needs on a speed-1 server, the model (`ps` or
/// `fcfs` with slots) decides when it completes, and only then is the response written.
///
/// Every connection of a backend lives on the backend's one event loop, so the model and the
/// counters need no lock. A request whose client goes away is cancelled (its share of the
/// server goes to the others).
///
/// # Thread safety
/// `port`, `index` and `speed` are immutable; `counters()` and `close()` may be called from any
/// thread. Everything else runs on `eventLoop`.
public final class LiveBackend: Sendable {
    /// The request header carrying a request's work, in nanoseconds at speed 1.
    public static let workHeader = "x-lbbench-work-ns"

    public let index: Int
    public let speed: Int
    public let port: Int
    let eventLoop: any EventLoop
    private let channel: any Channel
    private let state: NIOLoopBound<BackendState>

    private init(index: Int, speed: Int, eventLoop: any EventLoop, channel: any Channel, state: NIOLoopBound<BackendState>) {
        self.index = index
        self.speed = speed
        self.eventLoop = eventLoop
        self.channel = channel
        self.state = state
        self.port = channel.localAddress?.port ?? 0
    }

    /// Starts a backend listening on 127.0.0.1 at a port the kernel chooses; requests needing
    /// more than `longWork` seconds of work at speed 1 are counted as long
    /// (`BackendCounters.longRequests`; by default none is).
    ///
    /// - Throws: whatever binding the socket throws.
    public static func start(
        index: Int, speed: Int, capacity: CapacitySpecification, longWork: Double = .infinity, on eventLoop: any EventLoop
    ) async throws -> LiveBackend {
        let state = try await eventLoop.submit {
            NIOLoopBound(
                BackendState(model: capacity.makeModel(speed: Double(speed)), longWork: longWork, eventLoop: eventLoop),
                eventLoop: eventLoop)
        }.get()
        let channel = try await ServerBootstrap(group: eventLoop, childGroup: eventLoop)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(BackendRequestHandler(state: state.value))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LiveBackend(index: index, speed: speed, eventLoop: eventLoop, channel: channel, state: state)
    }

    /// The counters now (integral brought up to this instant); with `startingWindow`, the
    /// maximum in flight then starts again from the requests in flight now, in the same step, so
    /// that the window's end reports the window's own maximum.
    public func counters(startingWindow: Bool = false) async throws -> BackendCounters {
        try await countersFuture(startingWindow: startingWindow).get()
    }

    /// `counters(startingWindow:)` as a future: the reading is queued on the backend's event
    /// loop at once, from any thread (a window edge reads it from the generator's loop).
    public func countersFuture(startingWindow: Bool = false) -> EventLoopFuture<BackendCounters> {
        eventLoop.submit { [state] in
            state.value.counters.record(inFlight: state.value.counters.inFlight, at: LiveClock.now())
            let reading = state.value.counters
            if startingWindow { state.value.counters.maximumInFlight = state.value.counters.inFlight }
            return reading
        }
    }

    /// Stops listening. Connections already accepted close when their peer closes them or when
    /// the event loop group shuts down.
    public func close() async throws {
        try await channel.close()
    }
}

/// A backend's mutable state, confined to its event loop.
final class BackendState {
    private var model: any CapacityModel
    private let eventLoop: any EventLoop
    private var completions: [UInt64: () -> Void] = [:]
    private var nextJob: UInt64 = 0
    private var timer: Scheduled<Void>?
    /// Work in seconds at speed 1 above which a request counts as long.
    private let longWork: Double
    var counters = BackendCounters()

    init(model: any CapacityModel, longWork: Double, eventLoop: any EventLoop) {
        self.model = model
        self.longWork = longWork
        self.eventLoop = eventLoop
    }

    /// Admits a request of `work` seconds at speed 1; `completion` runs when the model completes it.
    func admit(work: Double, completion: @escaping () -> Void) -> UInt64 {
        let now = LiveClock.now()
        let job = nextJob
        nextJob += 1
        completions[job] = completion
        model.admit(job, work: work, at: now)
        counters.requests += 1
        if work > longWork { counters.longRequests += 1 }
        counters.record(inFlight: model.inFlight, at: now)
        serviceDue(at: now)
        return job
    }

    /// Cancels a request whose client went away; nothing happens if it already completed.
    func cancel(_ job: UInt64) {
        guard completions.removeValue(forKey: job) != nil else { return }
        let now = LiveClock.now()
        model.cancel(job, at: now)
        counters.record(inFlight: model.inFlight, at: now)
        serviceDue(at: now)
    }

    private func serviceDue(at now: Double) {
        let done = model.takeCompleted(at: now)
        if !done.isEmpty { counters.record(inFlight: model.inFlight, at: now) }
        for job in done { completions.removeValue(forKey: job)?() }
        timer?.cancel()
        timer = nil
        if let next = model.nextCompletion() {
            timer = eventLoop.assumeIsolated().scheduleTask(deadline: LiveClock.deadline(next)) { [self] in
                timer = nil
                serviceDue(at: LiveClock.now())
            }
        }
    }
}

/// Reads requests on one backend connection and answers each when the model completes it.
final class BackendRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: BackendState
    private var work = 0.0
    private var keepAlive = true
    private var pendingJob: UInt64?

    init(state: BackendState) {
        self.state = state
    }

    func handlerAdded(context: ChannelHandlerContext) {
        state.counters.connections += 1
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            work = head.headers.first(name: LiveBackend.workHeader).flatMap(Int.init).map { Double(max($0, 0)) / 1e9 } ?? 0
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            pendingJob = state.admit(work: work) { [self] in
                pendingJob = nil
                respond(context: bound.value)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let pendingJob { state.cancel(pendingJob) }
        pendingJob = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: "0")
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        let keepAlive = keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
