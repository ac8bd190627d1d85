import LBReporting

/// A JSON document, written with sorted keys and fixed number formatting, so that the same
/// values always give the same bytes. Only `lbbench.live/1` still uses it; the other reports
/// are `Encodable` and written by `ReportJSON` (moving this one there is left until the live
/// report's fields settle).
///
/// - Note: A value; thread-safe.
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case unsigned(UInt64)
    /// Written with 9 significant digits (`NumberFormat.significant`); non-finite values as `null`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Significant digits of every `number`: more than a simulated mean needs, few enough
    /// that no rounding noise shows.
    package static let significantDigits = ReportNumber.significantDigits

    /// A `number`, or `null` for `nil`.
    ///
    /// - Complexity: O(1).
    package static func number(_ value: Double?) -> JSONValue {
        value.map(JSONValue.number) ?? .null
    }

    /// The document, indented by two spaces per level, keys sorted, ending without a newline.
    ///
    /// - Complexity: O(size of the document).
    package func rendered() -> String {
        var text = ""
        write(to: &text, indent: 0)
        return text
    }

    private func write(to text: inout String, indent: Int) {
        switch self {
        case .null: text += "null"
        case let .bool(value): text += value ? "true" : "false"
        case let .int(value): text += String(value)
        case let .unsigned(value): text += String(value)
        case let .number(value):
            text += value.isFinite ? NumberFormat.significant(value, digits: Self.significantDigits) : "null"
        case let .string(value): Self.writeString(value, to: &text)
        case let .array(values):
            if values.isEmpty {
                text += "[]"
            } else if values.allSatisfy(\.isScalar) {
                // Per-server lists stay on one line.
                text += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { text += ", " }
                    value.write(to: &text, indent: indent)
                }
                text += "]"
            } else {
                text += "[\n"
                for (index, value) in values.enumerated() {
                    text += String(repeating: "  ", count: indent + 1)
                    value.write(to: &text, indent: indent + 1)
                    text += index < values.count - 1 ? ",\n" : "\n"
                }
                text += String(repeating: "  ", count: indent) + "]"
            }
        case let .object(members):
            if members.isEmpty {
                text += "{}"
                return
            }
            text += "{\n"
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                text += String(repeating: "  ", count: indent + 1)
                Self.writeString(key, to: &text)
                text += ": "
                members[key]!.write(to: &text, indent: indent + 1)
                text += index < keys.count - 1 ? ",\n" : "\n"
            }
            text += String(repeating: "  ", count: indent) + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
