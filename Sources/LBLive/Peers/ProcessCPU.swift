import Foundation

/// CPU time of a process and its children, from `/proc`.
///
/// - Note: Thread-safe: reads files only.
enum ProcessCPU {
    /// User plus system CPU seconds of `pid` and, recursively, its children; 0 for a process
    /// that is gone.
    ///
    /// - Complexity: one `/proc` read per process.
    static func seconds(of pid: pid_t) -> Double {
        ([pid] + children(of: pid)).reduce(0) { $0 + ownSeconds($1) }
    }

    /// Every descendant of `pid`, from `/proc/PID/task/TID/children`.
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var direct: [pid_t] = []
        for task in tasks {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            direct += text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return direct + direct.flatMap { children(of: $0) }
    }

    private static func ownSeconds(_ pid: pid_t) -> Double {
        // utime is field 14 and stime 15 (proc(5)).
        guard let fields = statFields(of: pid), fields.count > 12,
              let user = Double(fields[11]), let system = Double(fields[12])
        else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The fields of `/proc/PID/stat` after the command name (which is in parentheses and may
    /// contain spaces): state (field 3 of proc(5)) first, then ppid, pgrp, …; `nil` for a
    /// process that is gone.
    static func statFields(of pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
