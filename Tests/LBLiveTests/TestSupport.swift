import Foundation
@testable import LBLive
import LoadBalancing
import NIOCore
import NIOPosix

/// A selector that counts every pick and release per server around a real one, so a test can
/// see that each picked server was released exactly once.
final class CountingSelector: ServerSelector, @unchecked Sendable {
    // @unchecked: `picks` and `releases` are touched only under `lock`; `inner` is thread-safe.
    private let inner: any ServerSelector
    private let lock = NSLock()
    private var picks: [Int]
    private var releases: [Int]

    init(_ inner: any ServerSelector) {
        self.inner = inner
        picks = Array(repeating: 0, count: inner.serverCount)
        releases = picks
    }

    var serverCount: Int { inner.serverCount }

    func pick() -> ServerID? {
        let server = inner.pick()
        if let server { lock.withLock { picks[server.index] += 1 } }
        return server
    }

    func assign(_ server: ServerID) { inner.assign(server) }

    func release(_ server: ServerID) {
        lock.withLock { releases[server.index] += 1 }
        inner.release(server)
    }

    func setWeight(_ weight: Int, for server: ServerID) throws(SelectorConfigurationError) {
        try inner.setWeight(weight, for: server)
    }

    func activeConnections() -> [Int] { inner.activeConnections() }
    func weights() -> [Int] { inner.weights() }
    func contentionStatistics() -> ContentionStatistics { inner.contentionStatistics() }

    /// Picks and releases so far, per server.
    var counts: (picks: [Int], releases: [Int]) { lock.withLock { (picks, releases) } }

    /// Waits (at most `timeout` seconds) until every pick has been released.
    func waitUntilBalanced(timeout: Double = 5) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let (picks, releases) = counts
            if picks == releases { return true }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return false
    }
}

/// A backend that reads a request and answers with a TCP reset (SO_LINGER 0, then close).
enum ResettingBackend {
    static func start(on group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResetOnRead())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    private final class ResetOnRead: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let channel = context.channel
            guard let provider = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// A blocking HTTP/1.1 client over a POSIX socket, for tests that need to misbehave (close
/// mid-request) in ways a well-behaved client never would.
struct RawClient {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            _ = Glibc.close(descriptor)
            throw RawClientError.connectFailed
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A GET carrying `workNanoseconds` of work, as the load generator sends it.
    static func request(workNanoseconds: Int) -> String {
        "GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\(LiveBackend.workHeader): \(workNanoseconds)\r\n\r\n"
    }

    func send(workNanoseconds: Int) {
        send(raw: Self.request(workNanoseconds: workNanoseconds))
    }

    /// Writes `text` as it is (several requests at once, or a malformed one).
    func send(raw text: String) {
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
    }

    /// What arrives until the response head is complete, the peer closes, or 5 s pass.
    func readHead() -> String { readHeads(1) }

    /// What arrives until `count` heads of body-less responses are complete, the peer closes,
    /// or 5 s pass.
    func readHeads(_ count: Int) -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n\r\n").count <= count {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() { _ = Glibc.close(descriptor) }

    enum RawClientError: Error { case connectFailed }
}
