/// How a simulated server shares itself among the requests it holds.
///
/// - Note: A value; thread-safe.
public enum Discipline: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// Processor sharing: every request in the server progresses at `speed / count`, as the
    /// threads of a real application server share its cores. The default.
    case ps
    /// First come, first served: one request at a time, the others wait in line, as a
    /// single-worker server or a connection-pooled database does.
    case fcfs

    public var description: String { rawValue }

    /// One line for help and reports.
    public var summary: String {
        switch self {
        case .ps: "processor sharing (every active request progresses at speed ÷ count)"
        case .fcfs: "first come, first served (one request at a time, the rest queue)"
        }
    }
}
