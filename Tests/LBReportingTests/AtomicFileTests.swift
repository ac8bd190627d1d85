import Foundation
import LBReporting
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    @Test("replaces the file, leaves no temporary behind, and is readable by everyone the umask allows")
    func replaces() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-atomic-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"])
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o044 } == 0o044, "group and others can read, as after `>`")
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
}
