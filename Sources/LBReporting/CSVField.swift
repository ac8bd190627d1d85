/// The fields of the reports' CSV forms (RFC 4180): text quoted only where it must be, numbers
/// as their JSON writes them, `null` as an empty field.
///
/// - Note: Stateless; thread-safe.
package enum CSVField {
    /// `text` as one field: unchanged unless it holds a comma, a double quote or a line break;
    /// then in double quotes, each double quote doubled.
    ///
    /// - Complexity: O(length of `text`).
    package static func text(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number with the JSON's significant digits (`ReportNumber`); empty for `nil` or a
    /// non-finite value, which the JSON writes as `null`.
    ///
    /// - Complexity: O(1).
    package static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return NumberFormat.significant(value, digits: ReportNumber.significantDigits)
    }

    /// Items joined with `;`, so that a list fills one field without quotes.
    ///
    /// - Complexity: O(items).
    package static func list(_ items: [String]) -> String {
        items.joined(separator: ";")
    }

    /// A comment line (`# ` and `text`, its line breaks made spaces), which readers skip with
    /// pandas' `comment="#"` or R's `comment.char = "#"`.
    ///
    /// - Complexity: O(length of `text`).
    package static func comment(_ text: String) -> String {
        "# " + String(text.map { $0.isNewline ? " " : $0 })
    }
}
