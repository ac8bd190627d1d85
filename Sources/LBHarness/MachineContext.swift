import Foundation

/// The machine a run was measured on: the header of every report and the results JSON's
/// `machine` object.
///
/// - Note: `current()` reads `/proc/cpuinfo` and `/etc/os-release` (Linux); elsewhere the CPU
///   is `unknown` and the OS is what `ProcessInfo` reports.
public struct MachineContext: Codable, Sendable, Hashable {
    /// The CPU model, from `/proc/cpuinfo`.
    public var cpu: String
    /// Logical cores available to the process.
    public var cores: Int
    /// Distribution and kernel: `Debian GNU/Linux 12 (bookworm), Linux 6.1.0`.
    public var os: String
    /// The Swift compiler that built the harness.
    public var swift: String
    /// `release` or `debug`.
    public var build: String
    /// When the run started, ISO 8601 in UTC.
    public var date: String
    /// One timer read, in nanoseconds (`TimerOverhead.measure()`).
    public var timerOverheadNs: Double
    /// The timer used for latencies.
    public var timer: String
    /// Whether each reported latency includes about one timer read (always, in this harness).
    public var latenciesIncludeTimerOverhead: Bool

    public init(
        cpu: String, cores: Int, os: String, swift: String, build: String, date: String,
        timerOverheadNs: Double, timer: String = "clock_gettime(CLOCK_MONOTONIC)",
        latenciesIncludeTimerOverhead: Bool = true
    ) {
        self.cpu = cpu
        self.cores = cores
        self.os = os
        self.swift = swift
        self.build = build
        self.date = date
        self.timerOverheadNs = timerOverheadNs
        self.timer = timer
        self.latenciesIncludeTimerOverhead = latenciesIncludeTimerOverhead
    }

    /// Whether the harness was built for debugging: its numbers say little about a release build.
    public var isDebugBuild: Bool { build == "debug" }

    /// This machine, now, with a freshly measured timer overhead.
    public static func current(date: Date = Date()) -> MachineContext {
        MachineContext(
            cpu: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount, os: operatingSystem(),
            swift: compilerVersion, build: buildConfiguration, date: date.formatted(.iso8601),
            timerOverheadNs: TimerOverhead.measure())
    }

    /// The build configuration of this module: SwiftPM defines `DEBUG` in debug builds.
    public static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// The compiler version, as far as conditional compilation can tell it.
    static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    private static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    private static func operatingSystem() -> String {
        var distribution = ProcessInfo.processInfo.operatingSystemVersionString
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                distribution = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let system = withUnsafeBytes(of: &name.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(distribution), \(system) \(release)"
    }
}
