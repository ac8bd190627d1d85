import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file so that readers see the old contents or the new, never a part: the
/// text goes to a temporary file in the same directory (so the rename cannot cross file
/// systems), is flushed to disk, and is renamed over the destination.
public enum AtomicFile {
    /// Why a file could not be written.
    public struct WriteError: Error, CustomStringConvertible {
        /// The path, the step that failed and the system's reason, in one line.
        public let description: String
    }

    /// Checks, before a long run, that `path` could be written: its directory exists and is
    /// writable, and `path` is not a directory, so that a bad `--output` fails at once.
    ///
    /// - Throws: `WriteError` saying what is wrong.
    public static func checkWritable(_ path: String) throws(WriteError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(description: "cannot write \(path): directory \(directory) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw WriteError(description: "cannot write \(path): directory \(directory) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WriteError(description: "cannot write \(path): it is a directory")
        }
    }

    /// Replaces the file at `path` with `text`.
    ///
    /// - Complexity: O(text), plus an `fsync`.
    /// - Throws: `WriteError` naming the path and the system's reason; the temporary file is
    ///   removed and the destination left as it was.
    /// - Note: Thread-safe: every call uses its own temporary file.
    public static func write(_ text: String, to path: String) throws(WriteError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = ((directory.isEmpty ? "/" : directory + "/") + ".\(name).XXXXXX").utf8CString
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in \(directory)") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure(path, "cannot write \(temporary)")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        // mkstemp creates the file 0600; a report is for everyone to read, as with `>`.
        let mask = umask(0)
        umask(mask)
        let modeSet = fchmod(descriptor, 0o666 & ~mask) == 0
        let synced = fsync(descriptor) == 0
        let error = (modeSet && synced) ? nil : failure(path, "cannot flush \(temporary)")
        close(descriptor)
        if let error {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "cannot rename \(temporary)")
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ path: String, _ step: String) -> WriteError {
        WriteError(description: "cannot write \(path): \(step): \(String(cString: strerror(errno)))")
    }
}

/// The C library's `write(2)`, which `AtomicFile.write` shadows inside the type.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
