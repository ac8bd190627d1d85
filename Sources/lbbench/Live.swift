import ArgumentParser
import Foundation

/// `lbbench live`: the real-socket comparison (lbbench's proxy, HAProxy and nginx on loopback),
/// which is its own executable, `lbbench-live`, so that building `lbbench` never builds
/// SwiftNIO. This subcommand replaces itself (`execv`, same PID, so Ctrl-C and the exit status
/// are `lbbench-live`'s own) with the `lbbench-live` in this executable's directory, passing
/// every argument after `live` unchanged; `lbbench live --help` is `lbbench-live --help`.
/// Without one there, it exits 64 naming the command that builds it.
struct Live: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Real sockets on loopback: runs lbbench-live, built beside lbbench, with these arguments.",
        discussion: "lbbench-live is its own product (it needs SwiftNIO); build it with "
            + "'swift build -c release --product lbbench-live'. 'lbbench live --help' shows its options."
    )

    @Argument(parsing: .captureForPassthrough, help: "lbbench-live's arguments (lbbench live --help lists them).")
    var arguments: [String] = []

    /// `lbbench-live` in the directory of the running executable (symbolic links resolved).
    static var executable: URL {
        let own = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return own.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("lbbench-live")
    }

    func run() throws {
        let path = Self.executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("live: no lbbench-live at \(path): build it with "
                + "'swift build -c release --product lbbench-live' (it is its own product: SwiftNIO)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        // execv returns only when it failed.
        let reason = String(cString: strerror(errno))
        throw ValidationError("live: could not start \(path): \(reason)")
    }
}
