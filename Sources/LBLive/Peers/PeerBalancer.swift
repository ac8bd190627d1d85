import Foundation
import LBSimulation

/// What a balancing algorithm is, for putting the simulator's prediction next to it.
public enum AlgorithmFamily: String, Sendable, Codable {
    case leastConnections = "least-connections"
    case roundRobin = "round-robin"
    /// Anything else (`p2c` and the other approximate selectors of lbbench's proxy): paired
    /// with the simulator's prediction of its own selector, but left out of the findings that
    /// compare least connections with round robin or with HAProxy (no peer has such a row).
    case other
}

/// The real balancers `lbbench-live` runs next to its own proxy, and how each is configured.
///
/// - Note: A value; thread-safe.
public enum PeerBalancer: String, CaseIterable, Sendable {
    case haproxy
    case nginx

    /// The Debian package that installs it (`scripts/install-live-peers.sh` installs both).
    public var package: String {
        switch self {
        case .haproxy: "haproxy"
        case .nginx: "nginx-light"
        }
    }

    /// Its algorithms under test, as its configuration spells them.
    public var algorithms: [(name: String, family: AlgorithmFamily)] {
        switch self {
        case .haproxy: [("leastconn", .leastConnections), ("roundrobin", .roundRobin)]
        case .nginx: [("least_conn", .leastConnections), ("round-robin", .roundRobin)]
        }
    }

    /// The simulator's model of this balancer's algorithm of `family`, for its prediction:
    /// least connections as HAProxy's or nginx's own rule (`haproxy-leastconn`,
    /// `nginx-least-conn`); round robin as the library's `round-robin`, smooth weighted round
    /// robin, which is nginx's default exactly and has the same per-weight shares as HAProxy's
    /// `roundrobin` (`lb_fwrr.c`, another interleaving of the same turns); `nil` for `other`.
    public func simulatorModel(for family: AlgorithmFamily) -> RouterKind? {
        switch (self, family) {
        case (.haproxy, .leastConnections): .haproxyLeastConnections
        case (.nginx, .leastConnections): .nginxLeastConnections
        case (_, .roundRobin): .selector(.roundRobin)
        case (_, .other): nil
        }
    }

    /// The executable, from `PATH` or the sbin directories Debian installs daemons in; `nil`
    /// when it is not installed.
    public var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return directories.map { "\($0)/\(rawValue)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The configuration file for `algorithm` in front of `backends` (port and weight each),
    /// listening on 127.0.0.1:`port`, with one worker thread (as lbbench's proxy's default)
    /// and upstream keep-alive. `directory` holds its logs and state.
    public func configuration(algorithm: String, backends: [(port: Int, weight: Int)], port: Int, directory: String) -> String {
        switch self {
        case .haproxy:
            let servers = backends.enumerated().map { index, backend in
                "    server b\(index) 127.0.0.1:\(backend.port) weight \(backend.weight)"
            }
            return """
                global
                    nbthread 1
                    maxconn 4000
                defaults
                    mode http
                    option http-keep-alive
                    http-reuse always
                    timeout connect 5s
                    timeout client 600s
                    timeout server 600s
                frontend live
                    bind 127.0.0.1:\(port)
                    default_backend farm
                backend farm
                    balance \(algorithm)
                \(servers.joined(separator: "\n"))

                """
        case .nginx:
            let servers = backends.map { "        server 127.0.0.1:\($0.port) weight=\($0.weight);" }
            let balance = algorithm == "least_conn" ? "        least_conn;\n" : ""
            return """
                worker_processes 1;
                pid \(directory)/nginx.pid;
                error_log \(directory)/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path \(directory)/body;
                    proxy_temp_path \(directory)/proxy;
                    fastcgi_temp_path \(directory)/fastcgi;
                    uwsgi_temp_path \(directory)/uwsgi;
                    scgi_temp_path \(directory)/scgi;
                    keepalive_requests 1000000;
                    keepalive_timeout 600s;
                    upstream farm {
                \(balance)        zone farm 64k;
                \(servers.joined(separator: "\n"))
                        keepalive 256;
                        keepalive_requests 1000000;
                    }
                    server {
                        listen 127.0.0.1:\(port);
                        location / {
                            proxy_pass http://farm;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_read_timeout 600s;
                        }
                    }
                }

                """
        }
    }

    /// The arguments that run it in the foreground with configuration file `file`.
    func arguments(configuration file: String, directory: String) -> [String] {
        switch self {
        case .haproxy: ["-db", "-f", file]
        case .nginx: ["-p", directory, "-e", "\(directory)/error.log", "-c", file, "-g", "daemon off;"]
        }
    }
}

/// Why a balancer or backend could not be started.
public enum LivePeerError: Error, CustomStringConvertible {
    case startFailed(String)

    public var description: String {
        switch self {
        case let .startFailed(reason): reason
        }
    }
}
