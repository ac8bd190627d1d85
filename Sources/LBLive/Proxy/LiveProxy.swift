import LBHarness
import LoadBalancing
import NIOCore
import NIOPosix

/// lbbench's own reverse proxy: HTTP/1.1 on 127.0.0.1, balancing every request with a
/// `ServerSelector` over the backends, with upstream keep-alive connections pooled per event
/// loop and backend (see `ProxyHandler`).
///
/// # Thread safety
/// Its methods may be called from any thread; connections run on the group's event loops and
/// share only the selector, which is thread-safe.
public final class LiveProxy: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel
    private let group: any EventLoopGroup
    private let pools: [NIOLoopBound<UpstreamPool>]
    private let selector: any ServerSelector

    private init(
        port: Int, channel: any Channel, group: any EventLoopGroup, pools: [NIOLoopBound<UpstreamPool>],
        selector: any ServerSelector
    ) {
        self.port = port
        self.selector = selector
        self.channel = channel
        self.group = group
        self.pools = pools
    }

    /// Starts the proxy on 127.0.0.1:`port` (0: a port the kernel chooses), balancing over
    /// backends listening on `backendPorts`, with one pool per event loop of `group`.
    ///
    /// - Throws: whatever binding throws (a busy port, for instance).
    public static func start(
        selector: any ServerSelector, backendPorts: [Int], port: Int, group: any EventLoopGroup
    ) async throws -> LiveProxy {
        precondition(selector.serverCount == backendPorts.count, "one backend port per server")
        var pools: [NIOLoopBound<UpstreamPool>] = []
        for loop in group.makeIterator() {
            pools.append(try await loop.submit {
                NIOLoopBound(UpstreamPool(eventLoop: loop, ports: backendPorts), eventLoop: loop)
            }.get())
        }
        let byLoop = pools
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let pool = byLoop.first(where: { $0.eventLoop === channel.eventLoop }) else {
                        preconditionFailure("a child channel on an event loop outside the proxy's group")
                    }
                    // No HTTP codec: `ProxyHandler` frames requests itself, serves one at a
                    // time, answers malformed ones and writes responses as raw bytes.
                    try channel.pipeline.syncOperations.addHandler(ProxyHandler(selector: selector, pool: pool.value))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return LiveProxy(
            port: channel.localAddress?.port ?? port, channel: channel, group: group, pools: pools, selector: selector)
    }

    /// CPU seconds the group's threads have used so far (its event loops run only the proxy),
    /// as a future: each loop's reading is queued on it at once, from any thread.
    public func cpuSecondsFuture() -> EventLoopFuture<Double> {
        let loops = Array(group.makeIterator())
        let readings = loops.map { $0.submit { ThreadCPUTime.nanoseconds() } }
        return EventLoopFuture.whenAllSucceed(readings, on: loops[0]).map { $0.reduce(0.0) { $0 + Double($1) / 1e9 } }
    }

    /// Connections the selector still counts: 0 once every pick has been released. Read when no
    /// client is connected any more (after a run's generator closed its connections): any count
    /// left then is a release the proxy missed. Polled every 10 ms for up to `timeout` seconds,
    /// because the proxy learns of closed client connections (whose requests it then releases)
    /// a moment after they close.
    ///
    /// - Complexity: O(servers) per poll.
    public func unreleasedPicks(waitingAtMost timeout: Double) async throws -> Int {
        let deadline = LiveClock.now() + timeout
        while true {
            let counted = selector.activeConnections().reduce(0, +)
            if counted == 0 || LiveClock.now() >= deadline { return counted }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// Stops listening and closes the idle upstream connections; connections still serving a
    /// client close when their client does.
    public func close() async throws {
        try await channel.close()
        for pool in pools {
            try await pool.eventLoop.submit { pool.value.closeAll() }.get()
        }
    }
}
