/// Programmer errors that stop the process in every build configuration.
///
/// Releasing a connection that was never picked (a double release, or a release after a
/// rebuild, as in APISIX #12217) would otherwise drive a count negative and silently skew
/// every later pick. These checks use `fatalError`, which is kept even in `-Ounchecked` builds.
@usableFromInline
enum SelectorMisuse {
    @usableFromInline
    static func unknownServer(_ server: ServerID, serverCount: Int, in operation: StaticString) -> Never {
        fatalError("LoadBalancing: \(operation)(\(server)) but servers are numbered 0..<\(serverCount)")
    }

    @usableFromInline
    static func releaseWithoutConnection(_ server: ServerID) -> Never {
        fatalError("LoadBalancing: release(\(server)) but it has no active connection (released twice, or never picked)")
    }

    @usableFromInline
    static func tooManyConnections(_ server: ServerID) -> Never {
        fatalError("LoadBalancing: pick would give \(server) more than \(SelectorLimits.maximumActiveConnections) active connections")
    }

    /// Stops unless `server` is one of `serverCount` servers.
    @inlinable
    static func checkKnown(_ server: ServerID, serverCount: Int, in operation: StaticString) {
        if UInt(bitPattern: server.index) >= UInt(bitPattern: serverCount) {
            unknownServer(server, serverCount: serverCount, in: operation)
        }
    }
}
