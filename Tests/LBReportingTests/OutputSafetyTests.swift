import Foundation
@testable import LBReporting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `AtomicFile` refuses to replace, and what it leaves behind when a write fails: never
/// a path under /dev, only FIFOs and links made in a temporary directory.
@Suite("Safe output destinations")
struct OutputSafetyTests {
    /// A fresh directory, removed by `body`'s caller through `defer`.
    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-safety-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func contents(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func fileType(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    static func refusal(_ path: String, _ problem: String) -> (any Error) -> Bool {
        { error in
            guard let error = error as? AtomicFile.WriteError else { return false }
            return error.path == path && error.problem.contains(problem)
        }
    }

    @Test("a read-only file is not replaced (root included); a replaced file keeps its permissions")
    func readOnlyAndPermissions() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let readOnly = directory + "/read-only.md"
        try AtomicFile.write("kept", to: readOnly)
        #expect(chmod(readOnly, 0o444) == 0)
        #expect(performing: { try AtomicFile.checkWritable(readOnly) }, throws: Self.refusal(readOnly, "read-only"))
        #expect(performing: { try AtomicFile.write("lost", to: readOnly) }, throws: Self.refusal(readOnly, "read-only"))
        #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == "kept")
        let private_ = directory + "/private.md"
        try AtomicFile.write("first", to: private_)
        #expect(chmod(private_, 0o600) == 0)
        try AtomicFile.write("second", to: private_)
        var status = stat()
        #expect(stat(private_, &status) == 0 && status.st_mode & 0o7777 == 0o600, "the replaced file's mode is kept")
        #expect(try String(contentsOfFile: private_, encoding: .utf8) == "second")
        #expect(try Self.contents(directory) == ["private.md", "read-only.md"])
    }

    @Test("a replaced file keeps its owner and group where the writer may give them (as root)",
          .enabled(if: getuid() == 0, "only root may give a file to another user"))
    func ownerKept() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shared = directory + "/shared.md"
        try AtomicFile.write("first", to: shared)
        #expect(chown(shared, 65_534, 65_534) == 0 && chmod(shared, 0o664) == 0)
        try AtomicFile.write("second", to: shared)
        var status = stat()
        #expect(stat(shared, &status) == 0)
        #expect(status.st_uid == 65_534 && status.st_gid == 65_534, "owner \(status.st_uid):\(status.st_gid)")
        #expect(status.st_mode & 0o7777 == 0o664)
        #expect(try String(contentsOfFile: shared, encoding: .utf8) == "second")
    }

    @Test("a FIFO is neither replaced nor opened: refused up front and at write time")
    func fifo() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/pipe"
        #expect(mkfifo(path, 0o644) == 0)
        #expect { try AtomicFile.checkWritable(path) } throws: { Self.refusal(path, "it is a FIFO")($0) }
        #expect { try AtomicFile.write("report", to: path) } throws: { Self.refusal(path, "it is a FIFO")($0) }
        #expect(Self.fileType(path) == S_IFIFO)
        #expect(try Self.contents(directory) == ["pipe"])
    }

    @Test("a device node is not replaced (one made in a temporary directory)", .enabled(if: geteuid() == 0, "mknod needs root"))
    func device() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/null"
        #expect(mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)  // makedev(1, 3): the null device
        #expect { try AtomicFile.write("report", to: path) } throws: { Self.refusal(path, "it is a device")($0) }
        #expect(Self.fileType(path) == S_IFCHR)
        #expect(try Self.contents(directory) == ["null"])
    }

    @Test("a symbolic link is neither replaced nor followed; its target is untouched")
    func symbolicLink() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/target", link = directory + "/link"
        try "original".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect { try AtomicFile.checkWritable(link) } throws: { Self.refusal(link, "symbolic link")($0) }
        #expect { try AtomicFile.write("report", to: link) } throws: { Self.refusal(link, "symbolic link")($0) }
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "original")
        // A dangling link is refused too: writing would create a file the caller did not name.
        let dangling = directory + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: directory + "/nowhere")
        #expect { try AtomicFile.write("report", to: dangling) } throws: { Self.refusal(dangling, "symbolic link")($0) }
        #expect(try Self.contents(directory) == ["dangling", "link", "target"])
    }

    @Test("names: empty, a directory, too long for the temporary file, a component or the path too long")
    func names() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let longest = directory + "/" + String(repeating: "n", count: AtomicFile.maximumNameBytes)
        let cases: [(String, String)] = [
            ("", "the name is empty"),
            (directory, "it is a directory"),
            (directory + "/", "it names a directory"),
            (directory + "/..", "it names a directory"),
            (longest + "n", "the file name is 248 bytes; at most 247"),
            (directory + "/" + String(repeating: "é", count: 124), "the file name is 248 bytes"),
            (directory + "/" + String(repeating: "d", count: 256) + "/report", "a directory name is 256 bytes; at most 255"),
            (directory + String(repeating: "/d", count: 2_100) + "/report", "bytes; at most \(AtomicFile.maximumPathBytes)"),
            (directory + "/missing/report", "directory \(directory)/missing does not exist"),
        ]
        for (path, problem) in cases {
            #expect { try AtomicFile.checkWritable(path) } throws: { Self.refusal(path, problem)($0) }
            #expect { try AtomicFile.write("report", to: path) } throws: { Self.refusal(path, problem)($0) }
        }
        try AtomicFile.write("report", to: longest)
        #expect(try String(contentsOfFile: longest, encoding: .utf8) == "report")
        #expect(try Self.contents(directory) == [String(repeating: "n", count: AtomicFile.maximumNameBytes)])
    }

    @Test("a file in place of a directory is refused")
    func fileAsDirectory() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "x".write(toFile: directory + "/file", atomically: false, encoding: .utf8)
        let path = directory + "/file/report"
        #expect { try AtomicFile.checkWritable(path) } throws: { Self.refusal(path, "is not a directory")($0) }
    }

    @Test("a directory the user cannot write is refused up front", .enabled(if: geteuid() != 0, "root writes anywhere"))
    func readOnlyDirectory() throws {
        let directory = try Self.temporaryDirectory()
        defer {
            chmod(directory, 0o755)
            try? FileManager.default.removeItem(atPath: directory)
        }
        chmod(directory, 0o555)
        let path = directory + "/report"
        #expect { try AtomicFile.checkWritable(path) } throws: { Self.refusal(path, "is not writable")($0) }
    }

    @Test("a destination that becomes a FIFO during the write is left alone, and the temporary file removed")
    func destinationChangesDuringWrite() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/report"
        var temporary = ""
        #expect {
            try AtomicFile.write("report", to: path) { created in
                temporary = created
                mkfifo(path, 0o644)
            }
        } throws: { Self.refusal(path, "it is a FIFO")($0) }
        #expect(temporary.hasPrefix(directory + "/.report."))
        #expect(Self.fileType(path) == S_IFIFO)
        #expect(try Self.contents(directory) == ["report"], "the temporary file is gone")
    }

    @Test("writes from several threads at once each land whole, and leave no temporary file")
    func concurrentWrites() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Eight real threads released together, so the writes overlap (their shared state is
        // `InterruptCleanup`'s path buffer and the signal handlers, under its lock: what
        // ThreadSanitizer checks here); a pool could run them one after another on 2 cores.
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for index in 0..<8 {
            finished.enter()
            Thread {
                start.wait()
                let text = String(repeating: "\(index)", count: 100_000)
                #expect(throws: Never.self) { try AtomicFile.write(text, to: directory + "/report-\(index)") }
                finished.leave()
            }.start()
        }
        for _ in 0..<8 { start.signal() }
        finished.wait()
        for index in 0..<8 {
            #expect(try String(contentsOfFile: directory + "/report-\(index)", encoding: .utf8) == String(repeating: "\(index)", count: 100_000))
        }
        #expect(try Self.contents(directory).count == 8)
    }

    /// A signal's disposition, read without changing it. Other suites in this process write
    /// files at the same time (each write installs its handler for its duration), and
    /// `lbbench-live`'s runner ignores SIGHUP to handle it through Dispatch; so the test reads it
    /// between writes, and compares with what it was before rather than with the default.
    static func disposition(_ signalNumber: Int32) -> UInt {
        var current = sigaction()
        sigaction(signalNumber, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: UInt.self)
    }

    @Test("signal handlers are those of before once a write is over")
    func handlersRestored() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ignored = unsafeBitCast(SIG_IGN, to: UInt.self)
        let before = InterruptCleanup.betweenWrites { Self.disposition(SIGHUP) }
        var during: UInt = 0
        try AtomicFile.write("report", to: directory + "/report") { _ in during = Self.disposition(SIGHUP) }
        let after = InterruptCleanup.betweenWrites { Self.disposition(SIGHUP) }
        if before == ignored {
            #expect(during == ignored, "an ignored signal stays ignored (nohup)")
        } else {
            #expect(during != before, "a handler is installed while the temporary file exists")
        }
        #expect(after == before, "the disposition of before is back")
    }
}
