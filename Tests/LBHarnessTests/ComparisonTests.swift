import Foundation
import LBHarness
import LBReporting
import Testing

@Suite("Compare: matching, flags, regressions")
struct ComparisonTests {
    typealias Run = MadeUpResults

    static func compare(
        _ base: [RunResult], _ new: [RunResult], noise: Double = 10, failOn: Double? = nil,
        newMachine: MachineContext = MadeUpResults.machine()
    ) throws -> ResultsComparison {
        try ResultsComparison(
            base: [("base.json", Run.document(base))], new: [("new.json", Run.document(new, machine: newMachine))],
            noisePercent: noise, failOnRegressionPercent: failOn)
    }

    @Test("cells match by their key; concurrency and threads tell cells apart; the seed does not")
    func matching() throws {
        var reseeded = Run.run(.p2c, threads: 2)
        reseeded.seed = 99
        let comparison = try Self.compare(
            [Run.run(.p2c, threads: 2), Run.run(.p2c, threads: 2, concurrency: 64), Run.run(.p2c, threads: 4)],
            [reseeded, Run.run(.p2c, threads: 2, concurrency: 128), Run.run(.p2c, threads: 4)])
        #expect(comparison.summary.matched == 2)
        #expect(comparison.summary.baseOnly == 1 && comparison.summary.newOnly == 1)
        let baseOnly = try #require(comparison.cells.first { $0.side == .baseOnly })
        #expect(baseOnly.cell.concurrency == 64 && baseOnly.new == nil && baseOnly.ratios == nil)
        let newOnly = try #require(comparison.cells.first { $0.side == .newOnly })
        #expect(newOnly.cell.concurrency == 128 && newOnly.base == nil)
        // Report order: threads 2 (concurrency 32, 64, 128), then threads 4.
        #expect(comparison.cells.map(\.cell.concurrency) == [32, 64, 128, 32])
    }

    /// A min-heap+mutex cell whose pick p50 rises 50%, jainLoad 20% and contention falls 50%,
    /// while picks/s rises 5% (within a 10% band) and the p99 stays.
    static let movedBase = Run.run(.minHeap, lock: .mutex, picksPerSecond: 1_000_000, pickP50: 100, pickP99: 200,
                                   jainLoad: 0.8, lockWaitNsPerPick: 10)
    static let movedNew = Run.run(.minHeap, lock: .mutex, picksPerSecond: 1_050_000, pickP50: 150, pickP99: 200,
                                  jainLoad: 0.96, lockWaitNsPerPick: 5)

    @Test("ratios are new ÷ base; a metric outside the noise band is moved, one inside is not")
    func ratiosAndNoise() throws {
        let base = [Self.movedBase], new = [Self.movedNew]
        let cell = try #require(try Self.compare(base, new).cells.first)
        let ratios = try #require(cell.ratios)
        #expect(ratios[.picksPerSecond] == 1.05 && ratios[.pickP50Ns] == 1.5 && ratios[.pickP99Ns] == 1)
        #expect(abs(ratios[.jainLoad]! - 1.2) < 1e-12 && ratios[.contention] == 0.5)
        #expect(cell.moved == [.pickP50Ns, .jainLoad, .contention])
        #expect(!cell.regression)
        // A wider band lets everything but the 1.5× p50 and the 0.5× contention through.
        #expect(try Self.compare(base, new, noise: 30).cells[0].moved == [.pickP50Ns, .contention])
    }

    /// Guards the comparison's columns (mutants that swapped the base and new picks/s in the
    /// Markdown and in the CSV, and counted a fairer jainLoad as worse, survived without it: the
    /// other tests read ratios and the picks/s change alone). Beside the moved cell, a p2c cell
    /// that did not change.
    @Test("each comparison cell holds its column's value, Markdown and CSV; a fairer jainLoad is better; an unchanged cell is not moved")
    func comparisonCells() throws {
        let comparison = try Self.compare([Self.movedBase, Run.run(.p2c)], [Self.movedNew, Run.run(.p2c)])
        #expect(comparison.summary.matched == 2 && comparison.summary.moved == 1)
        let markdown = ComparisonMarkdown.render(comparison)
        #expect(markdown.contains("- 2 cells on both sides, 1 moved beyond the band; 0 only in base, 0 only in new."))
        #expect(ReportTests.markdownRow(markdown, header: "| cell |", row: "| min-heap+mutex/") == [
            "cell": "min-heap+mutex/uniform/servers:8/threads:1/concurrency:32", "base picks/s": "1.00 M",
            "new picks/s": "1.05 M", "picks/s": "1.05×", "pick p50": "1.50×", "pick p99": "1.00×", "jainLoad": "1.200×",
            "contention": "0.50×", "moved": "pick p50 +50% (worse), jainLoad +20% (better), contention −50% (better)",
        ])
        let csv = try #require(ReportTests.csvRow(ComparisonCSV.render(comparison), row: "min-heap,"))
        let expected = [
            "side": "both", "base.picksPerSecond": "1000000.0", "new.picksPerSecond": "1050000.0", "ratio.picksPerSecond": "1.05",
            "base.pickP50Ns": "100.0", "new.pickP50Ns": "150.0", "ratio.pickP50Ns": "1.5", "base.contention": "10.0",
            "new.contention": "5.0", "ratio.contention": "0.5", "moved": "pickP50Ns;jainLoad;contention", "regression": "false",
        ]
        for (column, value) in expected { #expect(csv[column] == value, "\(column)") }
    }

    @Test("a change of exactly the band is inside it, up or down, as the regression threshold's edge is, for every whole percentage")
    func bandEdgesSymmetric() throws {
        // 1 − 0.18 and 1 + 0.36 are each one ulp off in binary: 100 → 82 with ±18% was moved and
        // a REGRESSION. Every whole percentage, on round figures (100) and on larger ones.
        for (picks, p99) in [(100.0, UInt64(100)), (1_000_000, 1_000)] {
            let base = [Run.run(.p2c, picksPerSecond: picks, pickP99: p99)]
            for percent in 1...99 {
                let step = picks / 100 * Double(percent), p99Step = p99 / 100 * UInt64(percent)
                let edges: [(picks: Double, p99: UInt64)] = [
                    (picks + step, p99), (picks - step, p99), (picks, p99 + p99Step), (picks, p99 - p99Step),
                ]
                for (newPicks, newP99) in edges {
                    let cell = try Self.compare(
                        base, [Run.run(.p2c, picksPerSecond: newPicks, pickP99: newP99)],
                        noise: Double(percent), failOn: Double(percent)
                    ).cells[0]
                    #expect(cell.moved.isEmpty && !cell.regression,
                            "±\(percent)%: picks/s \(picks) → \(newPicks), p99 \(p99) → \(newP99): \(cell.moved)")
                }
                // One unit further is beyond the band, and a regression where it is worse.
                let beyond = try Self.compare(
                    base, [Run.run(.p2c, picksPerSecond: picks - step - 1, pickP99: p99 + p99Step + 1)],
                    noise: Double(percent), failOn: Double(percent)
                ).cells[0]
                #expect(beyond.moved == [.picksPerSecond, .pickP99Ns] && beyond.regression, "±\(percent)%: \(beyond.moved)")
            }
        }
    }

    @Test("the band and the regression edges print exactly; a change prints with the band's decimals")
    func markdownDecimals() throws {
        let base = [Run.run(.p2c, picksPerSecond: 1_000_000)]
        let text = ComparisonMarkdown.render(
            try Self.compare(base, [Run.run(.p2c, picksPerSecond: 1_004_000)], noise: 0.3, failOn: 2.5))
        #expect(text.contains("0.997×–1.003×") && text.contains("below 0.975×") && text.contains("above 1.025×"), "\(text)")
        #expect(text.contains("picks/s +0.4% (better)"), "\(text)")
        #expect(ComparisonMarkdown.render(try Self.compare(base, base)).contains("0.90×–1.10×"))
    }

    @Test("contention from zero has no ratio and is not flagged; zero to zero is unchanged")
    func zeroContention() throws {
        let fromZero = try Self.compare([Run.run(.p2c, casRetriesPerPick: 0)], [Run.run(.p2c, casRetriesPerPick: 0.2)])
        #expect(fromZero.cells[0].ratios?[.contention] == nil && fromZero.cells[0].moved.isEmpty)
        let zeroToZero = try Self.compare([Run.run(.p2c, casRetriesPerPick: 0)], [Run.run(.p2c, casRetriesPerPick: 0)])
        #expect(zeroToZero.cells[0].ratios?[.contention] == 1)
    }

    @Test("a ratio too large for a Double has none (and is not flagged), so the JSON can be written")
    func overflowingRatio() throws {
        // Both figures pass the reader's range (picks/s 0...1e12), but 1e12 ÷ 1e-300 is infinite.
        let comparison = try Self.compare([Run.run(.p2c, picksPerSecond: 1e-300)], [Run.run(.p2c, picksPerSecond: 1e12)])
        #expect(comparison.cells[0].ratios?[.picksPerSecond] == nil)
        #expect(!comparison.cells[0].moved.contains(.picksPerSecond))
        let json = try JSONEncoder().encode(comparison)
        #expect(!json.isEmpty)
    }

    @Test("a regression: picks/s falls or pick p99 rises past the threshold; improvements and small moves are not")
    func regressions() throws {
        let base = [Run.run(.p2c, threads: 1), Run.run(.p2c, threads: 2), Run.run(.p2c, threads: 4), Run.run(.p2c, threads: 8)]
        let new = [
            Run.run(.p2c, threads: 1, picksPerSecond: 700_000),  // 30% slower: regression
            Run.run(.p2c, threads: 2, pickP99: 130),  // p99 +30%: regression
            Run.run(.p2c, threads: 4, picksPerSecond: 2_000_000, pickP99: 50),  // better: none
            Run.run(.p2c, threads: 8, picksPerSecond: 850_000),  // 15% slower: moved, within 20%
        ]
        let comparison = try Self.compare(base, new, failOn: 20)
        #expect(comparison.cells.map(\.regression) == [true, true, false, false])
        #expect(comparison.cells[3].moved == [.picksPerSecond])
        #expect(comparison.hasRegression && comparison.summary.regressions == 2)
        #expect(!(try Self.compare(base, new)).hasRegression, "no threshold, no regression")
        #expect(!(try Self.compare(base, new, failOn: 50)).hasRegression)
    }

    @Test("a cell measured twice on one side is refused, naming both files")
    func duplicates() {
        let document = Run.document([Run.run(.p2c)])
        #expect(throws: ComparisonError.duplicateCell(
            cell: "p2c/uniform/servers:8/threads:1/concurrency:32", side: "base", files: ["a.json", "b.json"])) {
            try ResultsComparison(base: [("a.json", document), ("b.json", document)], new: [("c.json", document)],
                                  noisePercent: 10, failOnRegressionPercent: nil)
        }
    }

    @Test("several files per side merge; both machines are stated and a difference is called out")
    func sidesAndMachines() throws {
        let comparison = try ResultsComparison(
            base: [("a.json", Run.document([Run.run(.p2c)])), ("b.json", Run.document([Run.run(.sharded)]))],
            new: [("c.json", Run.document([Run.run(.p2c), Run.run(.sharded)], machine: Run.machine(cores: 16)))],
            noisePercent: 10, failOnRegressionPercent: nil)
        #expect(comparison.summary.matched == 2)
        #expect(comparison.base.files == ["a.json", "b.json"] && comparison.base.machines.count == 1)
        #expect(comparison.machinesDiffer)
        let text = ComparisonMarkdown.render(comparison)
        #expect(text.contains("Test CPU, 2 cores") && text.contains("Test CPU, 16 cores"))
        #expect(text.contains("different machines"))
        #expect(!ComparisonMarkdown.render(try Self.compare([Run.run(.p2c)], [Run.run(.p2c)])).contains("different machines"))
    }

    @Test("a file merged from two machines counts both: against one of them the sides differ, as two files would")
    func mergedMachines() throws {
        let amd = Run.machine(cpu: "AMD EPYC", cores: 2), xeon = Run.machine(cpu: "Intel Xeon", cores: 16)
        // What `lbbench report --allow-mixed-machines --format json` writes: the AMD run, then the
        // Xeon run, each carrying its machine; the document's own machine stays the first file's.
        var merged = Run.document([Run.run(.p2c, threads: 1)], machine: amd)
        merged.merge(Run.document([Run.run(.p2c, threads: 2)], machine: xeon))
        merged = try JSONDecoder().decode(ResultsDocument.self, from: JSONEncoder().encode(merged))
        let amdOnly = Run.document([Run.run(.p2c, threads: 1), Run.run(.p2c, threads: 2)], machine: amd)
        for (base, new) in [(merged, amdOnly), (amdOnly, merged)] {
            let comparison = try ResultsComparison(
                base: [("base.json", base)], new: [("new.json", new)], noisePercent: 10, failOnRegressionPercent: nil)
            #expect(comparison.summary.matched == 2)
            let mergedSide = base == merged ? comparison.base : comparison.new
            #expect(mergedSide.machines == [amd, xeon])
            #expect(comparison.machinesDiffer)
            let text = ComparisonMarkdown.render(comparison)
            #expect(text.contains("different machines") && text.contains("Intel Xeon, 16 cores"))
            #expect(ComparisonCSV.render(comparison).contains("Intel Xeon; 16 cores"))
        }
        // A merged file against itself, and a single-machine file against itself, match machine for machine.
        #expect(!(try ResultsComparison(
            base: [("a.json", amdOnly)], new: [("b.json", amdOnly)], noisePercent: 10, failOnRegressionPercent: nil)).machinesDiffer)
        // A DEBUG BUILD among a merged file's machines is called out as one in the document's machine is.
        var withDebug = Run.document([Run.run(.p2c, threads: 1)], machine: amd)
        withDebug.merge(Run.document([Run.run(.p2c, threads: 2)], machine: Run.machine(cpu: "AMD EPYC", build: "debug")))
        let debugText = ComparisonMarkdown.render(try ResultsComparison(
            base: [("a.json", amdOnly)], new: [("b.json", withDebug)], noisePercent: 10, failOnRegressionPercent: nil))
        #expect(debugText.contains("DEBUG BUILD"))
        // One cell measured on both machines is one cell twice on a side: refused, as from two files.
        var twice = Run.document([Run.run(.p2c)], machine: amd)
        twice.merge(Run.document([Run.run(.p2c)], machine: xeon))
        #expect(throws: ComparisonError.self) {
            try ResultsComparison(base: [("a.json", twice)], new: [("b.json", amdOnly)], noisePercent: 10, failOnRegressionPercent: nil)
        }
    }

    @Test("a file name with line breaks, commas or pipes forges no CSV row and no Markdown line")
    func untrustedFileNames() throws {
        let evil = "evil\nselector,x.json\r\n## Forged | heading"
        let comparison = try ResultsComparison(
            base: [(evil, Run.document([Run.run(.p2c)]))], new: [("new.json", Run.document([Run.run(.p2c)]))],
            noisePercent: 10, failOnRegressionPercent: nil)
        // Lines as a reader splits them: at "\n", "\r" or "\r\n".
        func lines(_ text: String) -> [Substring] { text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) }
        let csv = lines(ComparisonCSV.render(comparison)).dropLast()
        let rows = csv.filter { !$0.hasPrefix("#") }
        #expect(rows.count == comparison.cells.count + 1, "\(csv)")
        #expect(rows.first?.hasPrefix("selector,lock,") == true)
        let markdown = lines(ComparisonMarkdown.render(comparison))
        #expect(!markdown.contains { $0.hasPrefix("selector") || $0.hasPrefix("## Forged") }, "\(markdown)")
        #expect(markdown.contains { $0.hasPrefix("- Base: evil<br>selector,x.json<br>## Forged \\| heading — Test CPU") })
    }

    @Test("the formats: Markdown flags and lists one-side cells; JSON is lbbench.compare/1 and reads back; CSV is rectangular")
    func formats() throws {
        let comparison = try Self.compare(
            [Run.run(.p2c), Run.run(.sharded)], [Run.run(.p2c, picksPerSecond: 500_000), Run.run(.buckets, lock: .mutex)],
            failOn: 10)
        let markdown = try OutputFormat.markdown.render(comparison)
        #expect(markdown.contains("**REGRESSION** picks/s −50% (worse)"))
        #expect(markdown.contains("## Only in base\n\n- sharded/uniform/servers:8/threads:1/concurrency:32"))
        #expect(markdown.contains("## Only in new\n\n- buckets+mutex/uniform/servers:8/threads:1/concurrency:32"))
        let json = try OutputFormat.json.render(comparison)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(root["schema"] as? String == "lbbench.compare/1")
        let cells = try #require(root["cells"] as? [[String: Any]])
        #expect(cells.allSatisfy { Set($0.keys) == ["cell", "side", "base", "new", "ratios", "moved", "regression"] })
        #expect(try JSONDecoder().decode(ResultsComparison.self, from: Data(json.utf8)) == comparison)
        #expect(root["failOnRegressionPercent"] as? Double == 10)
        // Without a threshold the key is still there, as null (docs/formats.md: nullable keys are
        // never left out).
        let unthresholded = try Self.compare([Run.run(.p2c)], [Run.run(.p2c)])
        let bare = try OutputFormat.json.render(unthresholded)
        let bareRoot = try #require(try JSONSerialization.jsonObject(with: Data(bare.utf8)) as? [String: Any])
        #expect(Set(bareRoot.keys) == ["schema", "base", "new", "noisePercent", "failOnRegressionPercent", "summary", "cells"])
        #expect(bareRoot["failOnRegressionPercent"] is NSNull)
        #expect(try JSONDecoder().decode(ResultsComparison.self, from: Data(bare.utf8)) == unthresholded)
        let rows = try OutputFormat.csv.render(comparison).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rows.count == comparison.cells.count + 1)
        let columns = rows[0].split(separator: ",").count
        #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
    }
}
