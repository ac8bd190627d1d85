import Foundation
import LBReporting
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    /// A new empty directory under the temporary directory, named `prefix-UUID`; its caller
    /// removes it.
    static func scratchDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("replaces the file, leaves no temporary behind, and is readable by everyone the umask allows")
    func replaces() throws {
        let directory = try Self.scratchDirectory("lbbench-atomic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"])
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o044 } == 0o044, "group and others can read, as after `>`")
    }

    /// What `lbbench-live`'s own interrupt handler calls before it exits (it ignores the signals
    /// to handle them through Dispatch, so no cleanup handler is installed during its writes).
    @Test("removing the temporary files of the write in progress leaves none and the destination as it was")
    func temporaryFilesRemovedFromOutside() throws {
        let directory = try Self.scratchDirectory("lbbench-atomic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let kept = directory.appendingPathComponent("kept.md").path
        let added = directory.appendingPathComponent("added.csv").path
        try AtomicFile.write("before", to: kept)
        var created: [String] = []
        // Both temporary files exist when the second is created: remove them then, as an
        // interrupt would.
        #expect(throws: AtomicFile.WriteError.self) {
            try AtomicFile.write([("after", kept), ("new", added)]) { temporary in
                created.append(temporary)
                if created.count == 2 { AtomicFile.removeTemporaryFilesOfWriteInProgress() }
            }
        }
        #expect(created.count == 2 && created.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "before")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["kept.md"])
        try AtomicFile.write("after", to: kept)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "after")
    }

    @Test("a missing directory fails the write and the early check, with the path in the message")
    func missingDirectory() throws {
        let path = FileManager.default.temporaryDirectory.path + "/lbbench-missing-\(UUID())/report.json"
        #expect {
            try AtomicFile.write("x", to: path)
        } throws: { error in
            "\(error)".contains(path)
        }
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.checkWritable(path) }
    }

    @Test("a directory is not a writable file")
    func directoryIsNotAFile() {
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.checkWritable(FileManager.default.temporaryDirectory.path) }
    }

    @Test("a set of files is written whole before any is replaced")
    func setWrittenWhole() throws {
        let directory = try Self.scratchDirectory("lbbench-atomic-set")
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = ["live.md", "live.json", "live.csv"].map { directory.appendingPathComponent($0).path }
        for path in paths { try "old".write(toFile: path, atomically: false, encoding: .utf8) }
        try AtomicFile.write(paths.map { (text: "new " + $0, path: $0) })
        for path in paths { #expect(try String(contentsOfFile: path, encoding: .utf8) == "new " + path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["live.csv", "live.json", "live.md"])

        // The last destination turns into a directory while the first is written: the set fails
        // naming it, and no file is replaced (one after another, the first two were).
        for path in paths { try "old".write(toFile: path, atomically: false, encoding: .utf8) }
        var temporaries: [String] = []
        #expect {
            try AtomicFile.write(paths.map { (text: "new", path: $0) }) { temporary in
                if temporaries.isEmpty {
                    try? FileManager.default.removeItem(atPath: paths[2])
                    try? FileManager.default.createDirectory(atPath: paths[2], withIntermediateDirectories: false)
                }
                temporaries.append(temporary)
            }
        } throws: { error in
            "\(error)".contains(paths[2]) && "\(error)".contains("directory")
        }
        #expect(temporaries.count == 3, "every file was written before the renames")
        for path in paths.prefix(2) { #expect(try String(contentsOfFile: path, encoding: .utf8) == "old") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["live.csv", "live.json", "live.md"])
    }
}
