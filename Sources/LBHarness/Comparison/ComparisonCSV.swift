import Foundation
import LBReporting

/// `lbbench compare` for spreadsheets: the sides' files and machines as leading `#` lines, then
/// one row per cell. Weights are joined with `;` and `moved` metrics with `;`, so no field needs
/// quoting; an empty field is a `null` in the JSON form.
public enum ComparisonCSV {
    /// The report, ending with a newline.
    ///
    /// - Complexity: O(cells).
    public static func render(_ comparison: ResultsComparison) -> String {
        var lines: [String] = [CSVField.comment("lbbench compare (\(comparison.schema)): new ÷ base, noise band ±\(comparison.noisePercent)%")]
        for (name, side) in [("base", comparison.base), ("new", comparison.new)] {
            let machines = side.machines.map(\.oneLine).joined(separator: "; ")
            // File names are the command line's, any text: `CSVField.comment` keeps a line break
            // in one from starting a row. Comment lines may hold commas, but a strict CSV reader
            // would still split them.
            lines.append(CSVField.comment("\(name): \(side.files.joined(separator: " ")): \(machines)".replacingOccurrences(of: ",", with: ";")))
        }
        let metrics = ComparedMetric.allCases
        let columns = ["selector", "lock", "workload", "servers", "threads", "concurrency", "weights", "side"]
            + metrics.map { "base.\($0.rawValue)" } + metrics.map { "new.\($0.rawValue)" }
            + metrics.map { "ratio.\($0.rawValue)" } + ["moved", "regression"]
        lines.append(columns.joined(separator: ","))
        for cell in comparison.cells {
            let key = cell.cell
            let fields = [
                key.selector.rawValue, key.lock?.rawValue ?? "", key.workload.rawValue, String(key.servers), String(key.threads),
                String(key.concurrency), key.weights.map(String.init).joined(separator: ";"), cell.side.rawValue,
            ] + numbers(cell.base) + numbers(cell.new) + numbers(cell.ratios) + [
                cell.moved.map(\.rawValue).joined(separator: ";"), String(cell.regression),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func numbers(_ values: MetricValues?) -> [String] {
        ComparedMetric.allCases.map { metric in values?[metric].map { "\($0)" } ?? "" }
    }
}

