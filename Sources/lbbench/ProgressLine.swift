import Foundation
import LBHarness

/// The progress line on standard error ("cell 12 of 98 …, 14 s elapsed, about 30 s left"),
/// redrawn in place. Shown only when standard error is a terminal, so pipes and CI logs stay
/// clean; standard output never carries it.
struct ProgressLine {
    private let standardError = FileHandle.standardError

    /// A progress line if standard error is a terminal, otherwise `nil`.
    static func ifTerminal() -> ProgressLine? {
        isatty(FileHandle.standardError.fileDescriptor) == 1 ? ProgressLine() : nil
    }

    func report(_ progress: MatrixProgress) {
        let remaining = progress.estimatedRemainingSeconds.map { ", about \(Int($0.rounded())) s left" } ?? ""
        show("cell \(progress.cellIndex + 1) of \(progress.cellCount): \(progress.cell.name), "
            + "\(Int(progress.elapsedSeconds.rounded())) s elapsed\(remaining)")
    }

    /// Replaces the line with `line`.
    func show(_ line: String) {
        // Carriage return and erase-line redraw the same terminal line.
        standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Erases the line, leaving the terminal as it was.
    func finish() {
        standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
