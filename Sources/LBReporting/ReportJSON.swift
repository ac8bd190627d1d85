import Foundation

/// The JSON of every report: pretty-printed with sorted keys, so files diff cleanly.
///
/// - Note: Stateless; thread-safe.
package enum ReportJSON {
    /// `document` as JSON, ending with a newline.
    ///
    /// - Complexity: O(size of the document).
    /// - Throws: `EncodingError` for a non-finite `Double` (write those as `ReportNumber`).
    package static func render(_ document: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}

/// A measured number in a report's JSON, rounded to `significantDigits` significant digits
/// (`NumberFormat.significant`), so the same values always give the same bytes and no
/// rounding noise shows; `nil` and non-finite values are written as `null`.
///
/// - Note: A value; thread-safe.
package struct ReportNumber: Encodable, Sendable, Equatable {
    /// Significant digits of every number: more than a simulated mean needs, few enough that
    /// no rounding noise shows.
    package static let significantDigits = 9

    /// The number; `nil` for none.
    package var value: Double?

    package init(_ value: Double?) { self.value = value }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        // A `Decimal` is written as its exact digits, where a `Double` would get its shortest
        // round-trip form (0.30000000000000004).
        if let value, value.isFinite,
           let decimal = Decimal(string: NumberFormat.significant(value, digits: Self.significantDigits)) {
            try container.encode(decimal)
        } else {
            try container.encodeNil()
        }
    }
}

/// An optional value in a report's JSON that is written as `null` when absent, where a
/// synthesised `Encodable` would leave the key out.
///
/// - Note: A value; thread-safe when `Wrapped` is.
package struct ReportNullable<Wrapped: Encodable>: Encodable {
    /// The value; `nil` for none.
    package var value: Wrapped?

    package init(_ value: Wrapped?) { self.value = value }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
