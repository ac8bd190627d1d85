/// `lbbench compare BASE NEW`: two sets of results files matched cell by cell (`CellKey`), each
/// matched cell's figures as ratios new ÷ base, the cells that moved beyond a noise band flagged,
/// the cells found on one side only listed. The JSON form is `lbbench.compare/1`.
///
/// - Note: A value; building it is pure and thread-safe.
public struct ResultsComparison: Codable, Sendable, Equatable {
    /// The schema of the JSON form.
    public static let currentSchema = "lbbench.compare/1"

    /// One side of the comparison: its files, their machines and lengths.
    public struct Side: Codable, Sendable, Equatable {
        /// The files, as named on the command line.
        public var files: [String]
        /// The distinct machines the files' runs were measured on, in file order: every run's
        /// own machine in a file merged from several (`ResultsDocument.runMachines`).
        public var machines: [MachineContext]
        /// The distinct `length` texts of the files.
        public var lengths: [String]
    }

    /// How the cells compared, in numbers.
    public struct Summary: Codable, Sendable, Equatable {
        /// Cells on both sides.
        public var matched: Int
        /// Matched cells with at least one metric outside the noise band.
        public var moved: Int
        /// Matched cells past the regression threshold (0 without one).
        public var regressions: Int
        public var baseOnly: Int
        public var newOnly: Int
    }

    public var schema: String
    public var base: Side
    public var new: Side
    /// The noise band, in percent: ratios within 1 ± noisePercent/100 are not flagged.
    public var noisePercent: Double
    /// The regression threshold in percent (`--fail-on-regression`), or `null` for none.
    public var failOnRegressionPercent: Double?
    public var summary: Summary
    /// Every cell of either side, in report order (workload, selector, lock, servers, threads,
    /// concurrency); a cell on one side only has `side` `base-only` or `new-only`.
    public var cells: [CellComparison]

    /// Compares `base` with `new`, each a list of (file name, document).
    ///
    /// - Parameters:
    ///   - noisePercent: the noise band, ≥ 0.
    ///   - failOnRegressionPercent: the regression threshold, ≥ 0, or `nil`.
    /// - Complexity: O(cells × log cells) on average (hashing the keys, then sorting).
    /// - Throws: `ComparisonError.duplicateCell` when one side holds the same cell twice (two
    ///   files of one side measured it both), `.noFiles` for a side without files.
    public init(
        base: [(file: String, document: ResultsDocument)], new: [(file: String, document: ResultsDocument)],
        noisePercent: Double, failOnRegressionPercent: Double?
    ) throws(ComparisonError) {
        let baseRuns = try Self.index(base, side: "base")
        let newRuns = try Self.index(new, side: "new")
        var entries: [(key: CellKey, run: RunResult, comparison: CellComparison)] = []
        for (key, baseRun) in baseRuns {
            if let newRun = newRuns[key] {
                entries.append((key, baseRun, CellComparison(
                    cell: key, base: baseRun, new: newRun, noisePercent: noisePercent,
                    regressionPercent: failOnRegressionPercent)))
            } else {
                entries.append((key, baseRun, CellComparison(cell: key, onlyIn: .baseOnly, run: baseRun)))
            }
        }
        for (key, newRun) in newRuns where baseRuns[key] == nil {
            entries.append((key, newRun, CellComparison(cell: key, onlyIn: .newOnly, run: newRun)))
        }
        entries.sort { CellKey.reportOrder(($0.key, $0.run), ($1.key, $1.run)) }
        schema = Self.currentSchema
        self.base = Self.side(base)
        self.new = Self.side(new)
        self.noisePercent = noisePercent
        self.failOnRegressionPercent = failOnRegressionPercent
        cells = entries.map(\.comparison)
        summary = Summary(
            matched: cells.count { $0.side == .both }, moved: cells.count { !$0.moved.isEmpty },
            regressions: cells.count(where: \.regression), baseOnly: cells.count { $0.side == .baseOnly },
            newOnly: cells.count { $0.side == .newOnly })
    }

    /// Writes `failOnRegressionPercent` as `null` when absent, so the document carries every key
    /// (the synthesized encoder would leave it out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(base, forKey: .base)
        try container.encode(new, forKey: .new)
        try container.encode(noisePercent, forKey: .noisePercent)
        try container.encode(failOnRegressionPercent, forKey: .failOnRegressionPercent)
        try container.encode(summary, forKey: .summary)
        try container.encode(cells, forKey: .cells)
    }

    /// Whether any cell regressed past `failOnRegressionPercent` (the command then exits 1).
    public var hasRegression: Bool { summary.regressions > 0 }

    /// Whether the two sides were measured on different machines or builds (`sameMachine`).
    public var machinesDiffer: Bool {
        base.machines.contains { baseMachine in new.machines.contains { !$0.sameMachine(as: baseMachine) } }
    }

    private static func index(
        _ files: [(file: String, document: ResultsDocument)], side: String
    ) throws(ComparisonError) -> [CellKey: RunResult] {
        guard !files.isEmpty else { throw .noFiles(side: side) }
        var runs: [CellKey: RunResult] = [:]
        var origin: [CellKey: String] = [:]
        for (file, document) in files {
            for run in document.runs {
                let key = CellKey(run)
                if let first = origin[key] {
                    throw .duplicateCell(cell: key.name, side: side, files: [first, file])
                }
                runs[key] = run
                origin[key] = file
            }
        }
        return runs
    }

    private static func side(_ files: [(file: String, document: ResultsDocument)]) -> Side {
        var machines: [MachineContext] = []
        var lengths: [String] = []
        for (_, document) in files {
            for machine in document.runMachines where !machines.contains(machine) { machines.append(machine) }
            if !lengths.contains(document.length) { lengths.append(document.length) }
        }
        return Side(files: files.map(\.file), machines: machines, lengths: lengths)
    }
}

/// Why two sets of results cannot be compared; the description is the one line the command prints.
public enum ComparisonError: Error, Equatable, CustomStringConvertible {
    /// One side holds the same cell twice, in these files (the same file twice when a file repeats it).
    case duplicateCell(cell: String, side: String, files: [String])
    case noFiles(side: String)

    public var description: String {
        switch self {
        case .duplicateCell(let cell, let side, let files):
            "the \(side) side holds cell \(cell) twice (\(files.joined(separator: " and "))); compare one measurement per cell"
        case .noFiles(let side):
            "the \(side) side names no results file"
        }
    }
}
