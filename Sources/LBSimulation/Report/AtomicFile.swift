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
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(directory)") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure("cannot write \(temporary)")
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
        let error = (modeSet && synced) ? nil : failure("cannot flush \(temporary)")
        close(descriptor)
        if let error {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ what: String) -> WriteError {
        WriteError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// The C library's `write(2)`, which `AtomicFile.write` shadows inside the type.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
