import Foundation
import LBReporting

/// The results files one command reads (`lbbench report`, `lbbench compare`), checked before
/// any byte of them is read: each must be a regular file (a link to one is followed), and
/// their total size, times what decoding holds per byte, must fit the memory budget. Files are
/// then read one at a time through `document(at:)`, a gzipped one inflated no further than the
/// budget leaves; each document read is counted as held while the next is decoded.
///
/// - Note: A value; `document(at:)` is mutating, so one instance is read from one thread.
public struct ResultsInputs: Sendable {
    /// Peak memory per byte of results JSON while it is decoded and rendered (the text, the
    /// parser's values and the decoded runs): measured 4.8 with `/usr/bin/time -v` on the
    /// published 100 MB results file, in Markdown and in JSON.
    public static let memoryPerFileByte = 6
    /// What a decoded document keeps per JSON value of its text while later files are read
    /// (`report` merges every document, `compare` keeps them all): a number in a per-server
    /// array is 8 B, a field of a run at most 16 B (not measured: an upper bound from the
    /// types' sizes).
    public static let heldBytesPerValue = 16

    /// One checked file.
    public struct File: Sendable, Equatable {
        /// The path as the user gave it (for messages).
        public var path: String
        /// The file's device and inode: which file it is, however its path is spelled.
        public var identity: FileIdentity
        public var bytes: Int
    }

    /// The files, in the order given.
    public let files: [File]
    /// What decoding may inflate a gzipped file to: the budget left by the plain sizes,
    /// divided by `memoryPerFileByte`, and never more than a results file may be
    /// (`ResultsFileReader.maximumFileSize`).
    public let inflateLimit: Int
    /// The memory budget the inputs were checked against.
    let budget: MemoryBudget
    /// The plain sizes' estimate: their total × `memoryPerFileByte`.
    let sizeEstimate: Int
    /// The plain sizes' estimate of the files decoded so far, which `held` replaces.
    private var decodedSizeEstimate = 0
    /// What the documents decoded so far hold: their JSON values × `heldBytesPerValue`.
    private var held = 0

    /// Checks `paths` and the budget. A path named twice is checked and read twice: callers
    /// that count a file once pass `FileIdentity.distinct(paths)`.
    ///
    /// - Complexity: O(files) system calls; nothing is read.
    /// - Throws: `ResultsFileError.unreadable`, `.notRegularFile`, `.tooLarge` (one file over
    ///   `ResultsFileReader.maximumFileSize`), `.overBudget`.
    public init(_ paths: [String], budget: MemoryBudget) throws(ResultsFileError) {
        var files: [File] = []
        var total = 0
        for path in paths {
            let file = try Self.check(path)
            total = total.addingReportingOverflow(file.bytes).partialValue
            files.append(file)
        }
        let (estimate, overflow) = total.multipliedReportingOverflow(by: Self.memoryPerFileByte)
        do {
            try budget.check(
                estimate: overflow ? .max : estimate, what: "reading the inputs",
                detail: "\(MemoryBudget.format(total)) of JSON × \(Self.memoryPerFileByte)")
        } catch {
            throw .overBudget(error)
        }
        self.files = files
        self.budget = budget
        sizeEstimate = overflow ? .max : estimate
        inflateLimit = min(ResultsFileReader.maximumFileSize, max(0, budget.bytes - estimate) / Self.memoryPerFileByte)
    }

    /// The results document in `file`, read whole. Before decoding, the text's own cost
    /// (`JSONDecodingCost`, which a densely packed text makes 20–26× its size) replaces this
    /// file's share of the plain sizes' estimate, what the documents already read hold
    /// replaces theirs (for a gzipped file its share counted only the compressed size), and the
    /// total must still fit the budget. The caller is taken to keep every document returned.
    ///
    /// - Complexity: O(file size + decompressed size).
    /// - Throws: `ResultsFileError.unreadable`, `.overBudget`, or what `ResultsFileReader`'s
    ///   `json(from:file:inflateLimit:)` and `decode(_:file:)` throw.
    public mutating func document(at file: File) throws(ResultsFileError) -> ResultsDocument {
        let data = try Self.read(file)
        let json = try ResultsFileReader.json(from: data, file: file.path, inflateLimit: inflateLimit)
        let cost = JSONDecodingCost.peakBytes(of: json)
        let share = file.bytes.saturatingMultiply(Self.memoryPerFileByte)
        let others = sizeEstimate == .max ? Int.max : (sizeEstimate - decodedSizeEstimate - share).saturatingAdd(held)
        let (total, overflow) = others.addingReportingOverflow(cost.bytes)
        do {
            try budget.check(
                estimate: overflow ? .max : total, what: "decoding \(file.path)",
                detail: "\(NumberFormat.grouped(cost.tokens)) JSON values × \(JSONDecodingCost.bytesPerToken) B + "
                    + "\(JSONDecodingCost.copiesOfText) × \(MemoryBudget.format(json.count)) of text"
                    + (files.count > 1 ? " + the other inputs" : "")
                    + (held > 0 ? " (\(MemoryBudget.format(held)) held by those read)" : ""))
        } catch {
            throw .overBudget(error)
        }
        let document = try ResultsFileReader.decode(json, file: file.path)
        decodedSizeEstimate = decodedSizeEstimate.saturatingAdd(share)
        held = held.saturatingAdd(cost.tokens.saturatingMultiply(Self.heldBytesPerValue))
        return document
    }

    /// `file`'s bytes, no more than it had when checked: opened once (never blocking, so a
    /// FIFO swapped in meanwhile cannot hang the read; never as a controlling terminal, should a
    /// terminal be swapped in), confirmed by its descriptor to be the
    /// regular file that was checked, and read up to its checked size. A file that holds more
    /// (it grew, or is a kernel file such as `/proc/self/pagemap`, which reports a size of 0
    /// and holds gigabytes) is refused rather than read on past the memory budget.
    ///
    /// - Complexity: O(file size).
    static func read(_ file: File) throws(ResultsFileError) -> Data {
        let descriptor = open(file.path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(file: file.path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, FileIdentity(status) == file.identity else {
            throw .unreadable(file: file.path, reason: "it was replaced after it was checked")
        }
        // One byte more than checked, to see whether there is more.
        var data = Data(count: file.bytes + 1)
        var filled = 0
        while filled < data.count {
            let count = data.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(file: file.path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            filled += count
        }
        guard filled <= file.bytes else {
            throw .unreadable(
                file: file.path,
                reason: "it holds more than the \(file.bytes) bytes it reported (it grew while being read, or is a kernel file)")
        }
        data.count = filled
        return data
    }

    /// `path` as a checked input.
    private static func check(_ path: String) throws(ResultsFileError) -> File {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(file: path) }
        guard status.st_size <= ResultsFileReader.maximumFileSize else {
            throw .tooLarge(file: path, limit: ResultsFileReader.maximumFileSize)
        }
        return File(path: path, identity: FileIdentity(status), bytes: Int(status.st_size))
    }
}

/// Which file a path names: its device and inode, the same for every spelling of the path
/// and for links to it.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    /// `paths` without those naming a file an earlier one names (paths naming no file are
    /// kept, for the reader to refuse).
    ///
    /// - Complexity: O(paths) system calls.
    public static func distinct(_ paths: [String]) -> [String] {
        var seen: Set<FileIdentity> = []
        return paths.filter { path in FileIdentity(path: path).map { seen.insert($0).inserted } ?? true }
    }

    /// The identity of the file at `path` (links followed), or `nil` when there is none.
    ///
    /// - Complexity: one system call.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }
}

/// The C library's `read(2)`, which `ResultsInputs.read(_:)` shadows inside the type.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
