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
///
/// # What it replaces
/// Only a regular file, or nothing. A destination that is a symbolic link, a FIFO, a socket or
/// a device is refused, not written through: renaming over it would destroy it (as root,
/// `/dev/null` itself), following a link would write a file the caller did not name, and
/// opening a FIFO with no reader blocks for ever. Standard output is the way to reach those.
/// The check is made up front (`checkWritable`) and again just before the rename.
///
/// # Interruption and failure
/// The temporary file (`.NAME.XXXXXX`) is removed on every error path and, while it exists,
/// on SIGINT, SIGTERM and SIGHUP (`InterruptCleanup`), after which the signal ends the process
/// as it would have. Several files can be written as a set (`write(_:)` of a list): all are
/// written before any is renamed into place.
package enum AtomicFile {
    /// Why a file cannot be, or could not be, written.
    package struct WriteError: Error, CustomStringConvertible {
        /// The destination as given.
        package let path: String
        /// What is wrong, in words, with the system's reason where there is one.
        package let problem: String

        package var description: String { "cannot write \(path): \(problem)" }
    }

    /// The longest last path component a destination may have, in bytes: `NAME_MAX` (255) less
    /// the 8 bytes the temporary file's name adds (`.` before, `.XXXXXX` after).
    package static let maximumNameBytes = Int(NAME_MAX) - 8
    /// The longest destination path, in bytes: `PATH_MAX` less its NUL and the 8 bytes above.
    package static let maximumPathBytes = Int(PATH_MAX) - 1 - 8

    /// Checks, before a long run, that `path` can be written: a name of legal length, an
    /// existing writable directory, and nothing at the path but a regular file, so that a bad
    /// `--output` fails at once.
    ///
    /// - Complexity: O(path), plus a few system calls.
    /// - Throws: `WriteError` saying what is wrong.
    package static func checkWritable(_ path: String) throws(WriteError) {
        func fail(_ problem: String) throws(WriteError) { throw WriteError(path: path, problem: problem) }
        if path.isEmpty { try fail("the name is empty") }
        if path.utf8.count > maximumPathBytes { try fail("the path is \(path.utf8.count) bytes; at most \(maximumPathBytes)") }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(components.last ?? "")
        if name.isEmpty || name == "." || name == ".." { try fail("it names a directory, not a file") }
        if name.utf8.count > maximumNameBytes {
            try fail("the file name is \(name.utf8.count) bytes; at most \(maximumNameBytes) (255 less the temporary file's 8)")
        }
        if let long = components.dropLast().first(where: { $0.utf8.count > Int(NAME_MAX) }) {
            try fail("a directory name is \(long.utf8.count) bytes; at most \(NAME_MAX)")
        }
        let directory = directory(of: path)
        var status = stat()
        if stat(directory, &status) != 0 {
            try fail(errno == ENOENT ? "directory \(directory) does not exist" : "directory \(directory): \(systemReason())")
        }
        if status.st_mode & S_IFMT != S_IFDIR { try fail("\(directory) is not a directory") }
        if access(directory, W_OK | X_OK) != 0 { try fail("directory \(directory) is not writable") }
        if let problem = destinationProblem(path) { try fail(problem) }
    }

    /// Replaces the file at `path` with `text`.
    ///
    /// - Parameter afterCreatingTemporaryFile: called with the temporary file's path once it
    ///   exists (a test hook: a test stops the process there to interrupt it).
    /// - Complexity: O(text), plus an `fsync`.
    /// - Throws: `WriteError` naming the path and the system's reason; the temporary file is
    ///   removed and the destination left as it was.
    /// - Note: Thread-safe: writes are serialised, one temporary file at a time.
    package static func write(
        _ text: String, to path: String, afterCreatingTemporaryFile: (String) -> Void = { _ in }
    ) throws(WriteError) {
        try write([(text, path)], afterCreatingTemporaryFile: afterCreatingTemporaryFile)
    }

    /// Replaces several files, as a set as far as the system allows: every text is written to
    /// its temporary file and flushed first, and only then is each renamed over its
    /// destination, so a failure while writing (a full disk, a size limit, an interrupt)
    /// leaves every destination as it was. Only a rename that fails after others succeeded (the
    /// destination replaced meanwhile by something that is not a regular file) leaves some
    /// replaced; the error says which.
    ///
    /// - Parameters:
    ///   - files: each text and its destination, at most `InterruptCleanup.maximumFiles`.
    ///   - afterCreatingTemporaryFile: called with each temporary file's path once it exists.
    /// - Complexity: O(total text), plus an `fsync` per file.
    /// - Throws: `WriteError` naming the file and the system's reason; every temporary file is
    ///   removed.
    /// - Note: Thread-safe: writes are serialised.
    package static func write(
        _ files: [(text: String, path: String)], afterCreatingTemporaryFile: (String) -> Void = { _ in }
    ) throws(WriteError) {
        precondition(files.count <= InterruptCleanup.maximumFiles, "at most \(InterruptCleanup.maximumFiles) files in a set")
        for file in files { try checkWritable(file.path) }
        try InterruptCleanup.protect { () throws(WriteError) in
            var temporaries: [String] = []
            func removeTemporaries() { for temporary in temporaries { unlink(temporary) } }
            for (index, file) in files.enumerated() {
                let directory = directory(of: file.path)
                let name = String(file.path.split(separator: "/", omittingEmptySubsequences: false).last!)
                let template = Array(((directory == "/" ? "/" : directory + "/") + ".\(name).XXXXXX").utf8CString)
                let temporaryPath = InterruptCleanup.paths[index]
                template.withUnsafeBufferPointer { temporaryPath.update(from: $0.baseAddress!, count: $0.count) }
                let descriptor = mkstemp(temporaryPath)
                guard descriptor >= 0 else {
                    let error = failure(file.path, "cannot create a temporary file in \(directory)")
                    removeTemporaries()
                    throw error
                }
                InterruptCleanup.armed.store(index + 1, ordering: .sequentiallyConsistent)
                let temporary = String(cString: temporaryPath)
                temporaries.append(temporary)
                afterCreatingTemporaryFile(temporary)
                let error = fill(descriptor, with: file.text, path: file.path, temporary: temporary)
                close(descriptor)
                if let error {
                    removeTemporaries()
                    throw error
                }
            }
            for file in files {
                if let problem = destinationProblem(file.path) {
                    removeTemporaries()
                    throw WriteError(path: file.path, problem: problem + " now; left as it is")
                }
            }
            for (index, file) in files.enumerated() where rename(temporaries[index], file.path) != 0 {
                let replaced = files.prefix(index).map(\.path)
                let error = failure(
                    file.path, "cannot rename \(temporaries[index])"
                        + (replaced.isEmpty ? "" : " (already replaced: \(replaced.joined(separator: ", ")))"))
                for temporary in temporaries[index...] { unlink(temporary) }
                throw error
            }
        }
    }

    /// Removes the temporary files of the write in progress, if any, as the interrupt handler
    /// does: for a process that handles SIGINT, SIGTERM and SIGHUP itself and exits from its own
    /// handler (`lbbench-live` ignores them to handle them through Dispatch, and an ignored
    /// signal gets no cleanup handler during a write). The write, if it goes on, then fails.
    ///
    /// - Complexity: O(1).
    /// - Note: Thread-safe and async-signal-safe.
    package static func removeTemporaryFilesOfWriteInProgress() {
        InterruptCleanup.removeArmedTemporaryFiles()
    }

    /// Writes `text` to `descriptor`, makes it readable as `>` would, and flushes it to disk.
    private static func fill(_ descriptor: Int32, with text: String, path: String, temporary: String) -> WriteError? {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure(path, "cannot write \(temporary)")
            }
            written += count
        }
        // mkstemp creates the file 0600, owned by the caller: a file it replaces keeps its
        // permissions, and its owner and group where the caller may give them (as root, or its
        // own group), so a shared file stays writable to those who could write it; a new one is
        // for everyone to read, as with `>`.
        var existing = stat()
        let mode: mode_t
        if stat(path, &existing) == 0 {
            mode = existing.st_mode & 0o7777
            // Not allowed (EPERM) for another user's file: it then becomes the caller's, as
            // any editor's save-by-rename does.
            _ = fchown(descriptor, existing.st_uid, existing.st_gid)
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            return failure(path, "cannot flush \(temporary)")
        }
        return nil
    }

    /// Why whatever is at `path` must not be replaced; `nil` for nothing or a regular file.
    private static func destinationProblem(_ path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return errno == ENOENT ? nil : systemReason() }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            // Read-only for everyone (root included, who could replace it): left alone.
            if status.st_mode & 0o222 == 0 || access(path, W_OK) != 0 {
                return "it is read-only (mode \(String(status.st_mode & 0o7777, radix: 8))); make it writable or name another file"
            }
            return nil
        case S_IFDIR: return "it is a directory"
        case S_IFLNK: return "it is a symbolic link, which is never replaced nor followed; name the file itself"
        case S_IFIFO: return "it is a FIFO, not a regular file (standard output reaches one)"
        case S_IFSOCK: return "it is a socket, not a regular file"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file (standard output reaches one)"
        default: return "it is not a regular file"
        }
    }

    /// The directory `path` is in: `.` for a bare name, `/` for a file at the root.
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }

    private static func failure(_ path: String, _ step: String) -> WriteError {
        WriteError(path: path, problem: "\(step): \(systemReason())")
    }
}

/// The C library's `write(2)`, which `AtomicFile.write` shadows inside the type.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
