import Foundation

/// Writes a file so that readers see either the old file or the whole new one, never a
/// partial write: the text goes to a temporary file in the same directory (so the rename
/// cannot cross file systems), is flushed to disk, then renamed over the destination.
///
/// - Note: Two processes writing the same path each rename a whole file; the last one wins.
public enum AtomicFile {
    /// Why the file could not be written.
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Checks, before a long run, that `path` could be written: its directory exists and is
    /// writable, and `path` is not a directory.
    ///
    /// - Throws: `WriteError` saying what is wrong.
    public static func checkWritable(_ path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(path: path, reason: "directory \(directory) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw WriteError(path: path, reason: "directory \(directory) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WriteError(path: path, reason: "it is a directory")
        }
    }

    /// Writes `text` to `path` atomically; on failure nothing is left behind and any old file
    /// at `path` is untouched.
    ///
    /// - Throws: `WriteError`.
    public static func write(_ text: String, to path: String) throws(WriteError) {
        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            let data = Data(text.utf8)
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw WriteError(path: path, reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            guard rename(temporary.path, destination.path) == 0 else {
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? WriteError { throw error }
            throw WriteError(path: path, reason: "\(error)")
        }
    }
}
