/// A Markdown (GitHub) table: a header row, an alignment row, then one row per `append`.
/// Every cell is escaped, so no text can end a cell or a row early: `|` becomes `\|`, a
/// backslash `\\`, and a line break `<br>`.
///
/// - Note: A value; thread-safe.
package struct MarkdownTable {
    /// How a column's cells line up: text left (`---`), numbers right (`--:`).
    package enum Alignment: Sendable {
        case left, right

        var separator: String {
            switch self {
            case .left: "---"
            case .right: "--:"
            }
        }
    }

    /// The table's lines so far, header and alignment rows first, without newlines.
    package private(set) var lines: [String]
    private let columns: Int

    /// A table with these column names, each aligned as `alignments` says (left when
    /// `alignments` is empty).
    ///
    /// - Complexity: O(total length of the names).
    package init(_ header: [String], alignments: [Alignment] = []) {
        precondition(alignments.isEmpty || alignments.count == header.count, "one alignment per column")
        let alignments = alignments.isEmpty ? Array(repeating: .left, count: header.count) : alignments
        columns = header.count
        lines = [Self.row(header), "|" + alignments.map { $0.separator + "|" }.joined()]
    }

    /// Adds a row; `cells` has one entry per column.
    ///
    /// - Complexity: O(total length of the cells).
    package mutating func append(_ cells: [String]) {
        precondition(cells.count == columns, "\(cells.count) cells for \(columns) columns")
        lines.append(Self.row(cells))
    }

    /// `text` made safe inside a cell: backslashes doubled, pipes escaped, line breaks as `<br>`.
    ///
    /// - Complexity: O(length of the text).
    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var lastWasReturn = false
        for character in text.unicodeScalars {
            defer { lastWasReturn = character == "\r" }
            switch character {
            case "\\": result += "\\\\"
            case "|": result += "\\|"
            case "\n" where lastWasReturn: continue
            case "\n", "\r": result += "<br>"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// One row of escaped cells, for a table whose header is written out by hand.
    ///
    /// - Complexity: O(total length of the cells).
    package static func row(_ cells: [String]) -> String {
        "| " + cells.map(escape).joined(separator: " | ") + " |"
    }
}
