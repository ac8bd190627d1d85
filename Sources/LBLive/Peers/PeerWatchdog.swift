import Foundation

/// A small shell process that stops `lbbench-live`'s peers (HAProxy, nginx) and removes their
/// temporary directories when `lbbench-live` dies without doing it itself: `kill -9`, the
/// out-of-memory killer, a crash, a CI job cancelled with SIGKILL — every way out that no signal
/// handler sees (`ChildProcesses` handles the signals that can be caught).
///
/// `lbbench-live` tells it, one line each over a pipe whose only writer is `lbbench-live`, each
/// process group it started (`+ GROUP`) and stopped (`- GROUP`) and each directory it made
/// (`d PATH`) and removed (`r PATH`). When the pipe reaches its end — `lbbench-live` has exited, by
/// any means; the kernel closes the pipe then — the watchdog sends SIGTERM to every group still
/// listed, SIGKILL a second later, removes every directory still listed, and exits. After a clean
/// exit nothing is listed, and it exits at once.
///
/// A peer is listed only once `Process.run()` has returned, so one started in the moment before
/// `lbbench-live` died may not be; but its directory was listed before it started, and a peer's
/// command line names its directory (`-f DIR/haproxy.conf`, `-p DIR`). So the watchdog also stops
/// the group of every process whose command line contains a listed directory followed by `/`
/// (read from `/proc/PID/cmdline`; the patterns reach `grep` on its standard input, so that its
/// own command line matches nothing).
///
/// The watchdog runs in a process group of its own (as Foundation starts every child), so the
/// terminal's Ctrl-C or hang-up does not reach it; it ignores them anyway. Groups are signalled by
/// number, never by name: a group listed is one `lbbench-live` started and has not seen stopped, so
/// it still has members unless they all exited in the moment before (then its number could only be
/// reused by a new process made the leader of a group of its own in that moment).
///
/// - Note: Thread-safe: `send` writes each line with one `write` call under a lock (a pipe
///   writes up to `PIPE_BUF`, 4,096 bytes, atomically); lines longer than that, and paths with a
///   line break, are not sent (such a directory is not watched).
final class PeerWatchdog: @unchecked Sendable {
    // @unchecked: `writeEnd` and `process` are set once in `init`; `closed` only under `lock`.
    private let lock = NSLock()
    private let process: Process
    private let writeEnd: Int32
    private var closed = false

    /// The watchdog's script: reads the lines until the pipe ends, then stops what is listed.
    static let script = """
        trap '' INT HUP QUIT
        groups=''
        directories=''
        while IFS= read -r line; do
          case $line in
            '+ '*) groups="$groups ${line#+ }" ;;
            '- '*) kept=''; for g in $groups; do [ "$g" = "${line#- }" ] || kept="$kept $g"; done; groups=$kept ;;
            'd '*) directories="$directories
        ${line#d }" ;;
            'r '*) kept=''
                   while IFS= read -r d; do [ -z "$d" ] || [ "$d" = "${line#r }" ] || kept="$kept
        $d"; done <<EOF
        $directories
        EOF
                   directories=$kept ;;
          esac
        done
        if [ -n "$directories" ]; then
          for c in $(printf '%s\\n' "$directories" | sed -n 's|^\\(..*\\)$|\\1/|p' | grep -lsaF -f - /proc/[0-9]*/cmdline); do
            p=${c#/proc/}; p=${p%/cmdline}
            case " $groups " in *" $p "*) ;; *) groups="$groups $p" ;; esac
          done
        fi
        for g in $groups; do echo "stop $g"; kill -s TERM -- "-$g" 2>/dev/null; done
        [ -z "$groups" ] || sleep 1
        for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
        printf '%s\\n' "$directories" | while IFS= read -r d; do [ -z "$d" ] || { echo "remove $d"; rm -rf -- "$d"; }; done
        """

    /// Starts the watchdog; what it stops and removes is written, a line each (`stop GROUP`,
    /// `remove PATH`), to `log` (for tests), or nowhere.
    ///
    /// - Throws: what starting `/bin/sh` throws, or `LivePeerError.startFailed` when no pipe can
    ///   be made; nothing is left running then.
    init(log: FileHandle? = nil) throws {
        var ends: [Int32] = [-1, -1]
        // Close-on-exec, both ends: the peers started later must not hold the write end, or the
        // pipe would not end while they run. Foundation's `Process` closes its children's other
        // descriptors anyway (the tests pass without these flags); the flags keep that true of
        // a child started any other way. (Glibc's `pipe2` is not visible to Swift, hence
        // `fcntl`; the window between the two is harmless: this process starts children only
        // through `ChildProcesses`, which is starting this one.)
        guard pipe(&ends) == 0 else {
            throw LivePeerError.startFailed("cannot make the watchdog's pipe: errno \(errno)")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", Self.script]
        process.standardInput = FileHandle(fileDescriptor: ends[0], closeOnDealloc: false)
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[0])
        self.process = process
        writeEnd = ends[1]
        // A watchdog that died must not end this process when a line is written to it.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The watchdog's PID (for tests).
    var processIdentifier: pid_t { process.processIdentifier }

    /// Lists a process group `lbbench-live` started.
    func started(group: pid_t) { send("+ \(group)") }

    /// Takes a process group off the list: it was stopped.
    func stopped(group: pid_t) { send("- \(group)") }

    /// Lists a directory `lbbench-live` made.
    func made(directory: String) {
        guard !directory.contains("\n") else { return }
        send("d \(directory)")
    }

    /// Takes a directory off the list: it was removed.
    func removed(directory: String) {
        guard !directory.contains("\n") else { return }
        send("r \(directory)")
    }

    /// Ends the pipe, as `lbbench-live`'s exit does, and waits for the watchdog to exit: it stops
    /// whatever is still listed first.
    func finish() {
        let wasOpen = lock.withLock {
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        close(writeEnd)
        process.waitUntilExit()
    }

    private func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        guard bytes.count <= Int(PIPE_BUF) else { return }
        lock.withLock {
            guard !closed else { return }
            // One call: a short or failed write (the watchdog is gone) loses the line, nothing more.
            _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        }
    }
}
