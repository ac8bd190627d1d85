import Foundation
@testable import LBSimulation
import LoadBalancing
import Testing

/// `lbbench simulate --format csv`: the same values as the JSON, column by column, and fields a
/// spreadsheet reads back whole.
@Suite("Simulation CSV")
struct SimulationCSVTests {
    /// RFC 4180 records of `text`, `#` comment lines left out: fields split at commas outside
    /// double quotes, quotes unwrapped and doubled quotes made single.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty && !line.hasPrefix("#") {
            var fields: [String] = []
            var field = ""
            var quoted = false
            var characters = Array(line)[...]
            while let character = characters.popFirst() {
                if quoted {
                    if character == "\"" {
                        if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                    } else {
                        field.append(character)
                    }
                } else if character == "\"" {
                    quoted = true
                } else if character == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
            }
            fields.append(field)
            records.append(fields)
        }
        return records
    }

    /// A JSON run flattened as docs/formats.md names its CSV columns: nested objects' keys
    /// joined (`responsePercentiles.p50` → `responseP50`, `fairness.jainLoad` → `jainLoad`,
    /// `littlesLaw.holds` → `littlesLawHolds`), each value as its JSON text (arrays joined with
    /// `;`, `null` empty).
    static func flattened(_ run: [String: Any]) -> [String: String] {
        func text(_ value: Any) -> String {
            switch value {
            case is NSNull: ""
            case let array as [Any]: array.map(text).joined(separator: ";")
            // JSON's true and false come back as NSNumbers of Objective-C type `c` (char).
            case let number as NSNumber where String(cString: number.objCType) == "c": number.boolValue ? "true" : "false"
            case let number as NSNumber: "\(number.doubleValue)"
            default: "\(value)"
            }
        }
        func capitalized(_ key: String) -> String { key.prefix(1).uppercased() + key.dropFirst() }
        var columns: [String: String] = [:]
        for (key, value) in run {
            guard let object = value as? [String: Any] else {
                columns[key] = text(value)
                continue
            }
            for (inner, innerValue) in object {
                let name = switch key {
                case "responsePercentiles": "response" + capitalized(inner)
                case "slowdownPercentiles": "slowdown" + capitalized(inner)
                case "fairness": inner
                default: key + capitalized(inner)
                }
                columns[name] = text(innerValue)
            }
        }
        return columns
    }

    /// Two farms that between them fill every nullable field once and leave it empty once.
    static func report() throws -> SimulationReport {
        var open = SimulationConfiguration(weights: [2, 1, 1], sizes: .workload(.mixed), jobs: 1_200, seed: 9)
        open.balancers = 2
        open.refresh = 3
        let closed = SimulationConfiguration(
            weights: [1, 3], traffic: .closed(population: 20, thinkTime: 1.5), discipline: .fcfs, jobs: 900, seed: 2)
        let section = SimulationReport.Section(
            id: "two", title: "Open, with refresh; closed, FCFS",
            results: [try Simulation.run(open, router: .selector(.minHeap)), try Simulation.run(closed, router: .random)],
            findings: ["a finding, with a comma"], notes: ["a note\nover two lines"])
        return SimulationReport(sections: [section])
    }

    @Test("one row per run, every column the JSON's value of the field it names")
    func matchesJSON() throws {
        let report = try Self.report()
        let csv = report.csv()
        let records = Self.records(csv)
        try #require(records.count == 3)
        #expect(records[0] == SimulationReport.csvColumns)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        try #require(runs.count == 2)
        for (row, run) in zip(records.dropFirst(), runs) {
            let expected = Self.flattened(run)
            #expect(Set(expected.keys) == Set(SimulationReport.csvColumns), "every JSON field has its column, and no more")
            #expect(row.count == SimulationReport.csvColumns.count)
            for (column, field) in zip(SimulationReport.csvColumns, row) {
                let json = try #require(expected[column])
                let numbers = (field.split(separator: ";").map { Double($0) }, json.split(separator: ";").map { Double($0) })
                if !field.isEmpty, numbers.0.allSatisfy({ $0 != nil }) {
                    #expect(numbers.0 == numbers.1, "\(column): CSV \(field), JSON \(json)")
                } else {
                    #expect(field == json, "\(column): CSV \(field), JSON \(json)")
                }
            }
        }
        // Both kinds of traffic: the nullable fields are filled once and empty once.
        for (name, open, closed) in [("population", "", "20"), ("utilization", "0.9", ""), ("refresh", "3", "")] {
            let column = try #require(SimulationReport.csvColumns.firstIndex(of: name))
            #expect(records[1][column] == open && records[2][column] == closed, "\(name)")
        }
    }

    @Test("context in comment lines: the schema, each scenario's title, findings and notes, one line each")
    func comments() throws {
        let comments = try Self.report().csv().split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(comments.first?.contains("lbbench.simulation/1") == true)
        #expect(comments.contains("# scenario two: Open, with refresh; closed, FCFS"))
        #expect(comments.contains("# scenario two: a finding, with a comma"))
        #expect(comments.contains("# scenario two: a note over two lines"))
    }

    @Test("validation: one row per check, names and formulas with commas and quotes read back whole")
    func validation() {
        let checks = [
            ValidationCheck(name: "M/M/1, FCFS, ρ = 0.8: mean response", formula: "1/(μ − λ)", theory: 5, measured: 5.25,
                            tolerance: 0.5, isStatistical: true, interval: "30 batch means"),
            ValidationCheck(name: "a \"quoted\" case", formula: "L = λT, up to requests straddling the window", theory: 2,
                            measured: 3, tolerance: 0.1, isStatistical: false),
        ]
        let report = ValidationReport(jobs: 1_000, warmupJobs: 100, seed: 3, confidence: 0.99, familyConfidence: 0.95,
                                      checks: checks, simulatedRequests: 2_200)
        let csv = report.csv()
        #expect(Self.records(csv) == [
            ["check", "formula", "theory", "measured", "tolerance", "statistical", "passed", "interval"],
            ["M/M/1, FCFS, ρ = 0.8: mean response", "1/(μ − λ)", "5", "5.25", "0.5", "true", "true", "30 batch means"],
            ["a \"quoted\" case", "L = λT, up to requests straddling the window", "2", "3", "0.1", "false", "false", ""],
        ])
        #expect(csv.contains("# 1 of 2 checks FAILED\n"))
        #expect(csv.hasPrefix("# lbbench simulator validation (lbbench.simulation-validation/1): 1000 requests"))
    }
}
