import LBHarness
import LBWorkloads
import LoadBalancing
import Testing

@Suite("Matrix configuration and list parsing")
struct MatrixConfigurationTests {
    @Test("the default matrix: every selector, 8/64/1024 servers, 1 and 2 threads, video at its own size")
    func defaultMatrix() throws {
        let cells = try MatrixConfiguration().cells()
        let selectors = SelectorKind.allCases.count
        #expect(cells.count == selectors * (2 * 3 * 2 + 2))
        #expect(Set(cells.map(\.workload)) == [.uniform, .mixed, .video])
        for cell in cells where cell.workload == .video {
            #expect(cell.weights == [2, 1, 1])
            #expect(cell.concurrency == 3 * Workload.video.defaultConnectionsPerServer)
        }
        for cell in cells where cell.workload != .video {
            #expect([8, 64, 1_024].contains(cell.servers))
            #expect(cell.weights.allSatisfy { $0 == 1 })
            #expect(cell.concurrency == cell.servers * cell.workload.defaultConnectionsPerServer)
        }
        #expect(cells.allSatisfy { $0.length == .standard && $0.seed == MatrixConfiguration.defaultSeed })
        #expect(cells.allSatisfy { ($0.lock != nil) == $0.selector.usesLock })
    }

    @Test("locks are a dimension only for lock-based selectors")
    func lockDimension() throws {
        let cells = try MatrixConfiguration(locks: [.mutex, .spin], serverCounts: [4], threadCounts: [1],
                                            workloads: [.uniform]).cells()
        for kind in SelectorKind.allCases {
            let locks = cells.filter { $0.selector == kind }.map(\.lock)
            #expect(locks == (kind.usesLock ? [.mutex, .spin] : [nil]), "\(kind)")
        }
    }

    @Test("options override workload defaults")
    func overrides() throws {
        let cells = try MatrixConfiguration(
            selectors: [.linearScan], serverCounts: [3], threadCounts: [2], workloads: [.video, .mixed],
            weights: [5, 0, 1], concurrency: 10, length: .seconds(0.5), seed: 9
        ).cells()
        #expect(cells.count == 2)
        #expect(cells.allSatisfy { $0.weights == [5, 0, 1] && $0.concurrency == 10 && $0.seed == 9 })
        #expect(cells.allSatisfy { $0.length == .seconds(0.5) && $0.threads == 2 })
        // Weights alone set the server count.
        #expect(try MatrixConfiguration(workloads: [.uniform], weights: [1, 2]).cells().allSatisfy { $0.servers == 2 })
    }

    /// Guards the report header's length (a mutant that printed seconds with no decimals, so a
    /// 0.25 s cell read "0 s per cell", survived without it).
    @Test("a cell's length as the report header states it: grouped picks, or seconds to the millisecond")
    func lengthDescription() {
        #expect(RunLength.standard.description == "400,000 picks per cell (all threads together)")
        #expect(RunLength.seconds(0.25).description == "0.250 s per cell")
        #expect(RunLength.seconds(2).description == "2.000 s per cell")
    }

    @Test("the default concurrency leaves every thread a connection")
    func concurrencyAtLeastThreads() throws {
        let cells = try MatrixConfiguration(selectors: [.linearScan], serverCounts: [1], threadCounts: [8],
                                            workloads: [.uniform]).cells()
        #expect(cells.map(\.concurrency) == [8])
        #expect((0..<8).map { cells[0].connections(ofWorker: $0) } == Array(repeating: 1, count: 8))
        let uneven = RunConfiguration(selector: .linearScan, lock: nil, workload: .uniform, weights: [1],
                                      threads: 3, concurrency: 11, length: .quick, seed: 1)
        #expect((0..<3).map { uneven.connections(ofWorker: $0) } == [4, 4, 3])
    }

    @Test("bad combinations are rejected with one-line reasons", arguments: [
        (MatrixConfiguration(serverCounts: [3], weights: [1, 2]),
         RunConfigurationError.weightsLengthMismatch(weights: 2, servers: 3)),
        (MatrixConfiguration(serverCounts: [0]),
         .outOfRange(option: "--servers", value: "0", range: "1...16777216",
                     reason: "the harness keeps per-server tallies in every worker")),
        (MatrixConfiguration(threadCounts: [0]),
         .outOfRange(option: "--threads", value: "0", range: "1...128",
                     reason: "each worker holds one of Dispatch's at most 255 pool threads")),
        (MatrixConfiguration(serverCounts: [2], concurrency: 5_000_000_000),
         .outOfRange(option: "--concurrency", value: "5000000000", range: "1...67108864",
                     reason: "the harness holds every connection in flight in its workers' heaps")),
        // A count out of range is refused as such, before the scan it would make too long.
        (MatrixConfiguration(selectors: [.linearScan], serverCounts: [1_024], concurrency: 100_000_000),
         .outOfRange(option: "--concurrency", value: "100000000", range: "1...67108864",
                     reason: "the harness holds every connection in flight in its workers' heaps")),
        (MatrixConfiguration(threadCounts: [4], concurrency: 2), .concurrencyBelowThreads(concurrency: 2, threads: 4)),
        (MatrixConfiguration(length: .picks(0)),
         .outOfRange(option: "--picks", value: "0", range: "1...1000000000",
                     reason: "10^9 picks take minutes per cell; use --seconds for a fixed time")),
        (MatrixConfiguration(length: .seconds(-1)),
         .outOfRange(option: "--seconds", value: "-1", range: "0.001...3600",
                     reason: "from a millisecond to an hour per cell")),
        (MatrixConfiguration(length: .seconds(.nan)),
         .outOfRange(option: "--seconds", value: "nan", range: "0.001...3600",
                     reason: "from a millisecond to an hour per cell")),
        // The default matrix's 112 cells at an hour each: 112 hours, more than a run's day.
        (MatrixConfiguration(length: .seconds(3_600)),
         .outOfRange(option: "--seconds", value: "3600", range: "0.001...771 for 112 cells",
                     reason: "a run lasts at most 86400 s (24 hours), all cells together: 112 × 3600 s, "
                         + "plus about 0.16 s of fills, is 403,201 s")),
        (MatrixConfiguration(length: .seconds(2e10)),
         .outOfRange(option: "--seconds", value: "20000000000", range: "0.001...3600",
                     reason: "from a millisecond to an hour per cell")),
        (MatrixConfiguration(length: .seconds(0.0005)),
         .outOfRange(option: "--seconds", value: "0.0005", range: "0.001...3600",
                     reason: "from a millisecond to an hour per cell")),
        (MatrixConfiguration(length: .picks(1_000_000_001)),
         .outOfRange(option: "--picks", value: "1000000001", range: "1...1000000000",
                     reason: "10^9 picks take minutes per cell; use --seconds for a fixed time")),
        (MatrixConfiguration(selectors: []), .emptyList(option: "--selectors")),
        (MatrixConfiguration(weights: [0, 0]), .invalidWeights(.allServersDrained)),
    ])
    func rejected(matrix: MatrixConfiguration, expected: RunConfigurationError) {
        #expect(throws: expected) { try matrix.cells() }
        #expect(!expected.description.contains("\n"))
    }

    @Test("a --picks run is bounded at a day by its estimate: linear-scan cells over about 1,000 servers")
    func picksRunTime() throws {
        // Each cell: 9·10⁷ picks and about 4,100 fills at 100 ns a step, and about 1,030 server
        // visits a step at linear-scan's 1.2 ns in the caches: about 120 s. Ten server counts ×
        // 100 thread counts is 1,000 cells, 33 hours: refused; × 70 thread counts, 23.3 hours:
        // accepted.
        func matrix(threadCounts: Int) -> MatrixConfiguration {
            MatrixConfiguration(selectors: [.linearScan], serverCounts: Array(1_024..<1_034),
                                threadCounts: Array(1...threadCounts), workloads: [.uniform],
                                length: .picks(90_000_000), seed: 1)
        }
        let cell = try #require(try MatrixConfiguration(
            selectors: [.linearScan], serverCounts: [1_024], threadCounts: [1], workloads: [.uniform],
            length: .picks(90_000_000)).cells().first)
        let seconds = MatrixConfiguration.estimatedSeconds(cell, picks: 90_000_000)
        #expect(cell.concurrency == 4_096)
        let steps = 90_004_096.0
        let expected: Double = steps * 100e-9 + steps * 1_024.0 * 1.2e-9
        #expect(abs(seconds - expected) < 1e-6)
        let tooLong = #expect(throws: RunConfigurationError.self) { try matrix(threadCounts: 100).cells() }
        let line = tooLong?.description ?? ""
        #expect(line.contains("--picks 90000000 is out of range: must be in 1...") && line.contains("for 1000 cells"), "\(line)")
        #expect(line.contains("would take about 33"), "\(line)")
        // The bound it names fits the day; one pick more per cell does not.
        let bound = try #require(Int(line.split(separator: "...")[1].split(separator: " ")[0]))
        #expect(throws: Never.self) { try { var m = matrix(threadCounts: 100); m.length = .picks(bound); return m }().cells() }
        #expect(throws: RunConfigurationError.self) {
            try { var m = matrix(threadCounts: 100); m.length = .picks(bound + 1_000); return m }().cells()
        }
        #expect(throws: Never.self) { try matrix(threadCounts: 70).cells() }
    }

    /// Fills count toward the day. 1,024 linear-scan cells of about 1,000 servers and 67 million
    /// connections fill for about 89 s each: 25 hours before any pick, so no `--picks` fits and
    /// the line names `--concurrency` with a bound that does fit.
    @Test("a run whose fills alone exceed the day names --concurrency, never an empty range")
    func fillsRunTime() throws {
        func matrix(concurrency: Int, picks: Int = 1) -> MatrixConfiguration {
            MatrixConfiguration(selectors: [.linearScan], serverCounts: Array(1_024..<1_032),
                                threadCounts: Array(1...128), workloads: [.uniform], concurrency: concurrency,
                                length: .picks(picks))
        }
        let error = #expect(throws: RunConfigurationError.self) { try matrix(concurrency: 67_000_000).cells() }
        let line = error?.description ?? ""
        #expect(line.hasPrefix("--concurrency 67000000 is out of range: must be in 128..."), "\(line)")
        #expect(line.contains("for 1024 cells") && !line.contains("...0 "), "\(line)")
        let bound = try #require(Int(line.split(separator: "...")[1].split(separator: " ")[0]))
        #expect(throws: Never.self) { try matrix(concurrency: bound).cells() }
        // A few more connections and the fills are too long again, for any length.
        #expect(throws: RunConfigurationError.self) { try matrix(concurrency: bound + 1_000).cells() }
        // With room left after the fills, the length is what to lower, and its range is not empty.
        let picks = #expect(throws: RunConfigurationError.self) {
            try matrix(concurrency: bound - 1_000_000, picks: 10_000_000).cells()
        }
        #expect(picks?.description.hasPrefix("--picks 10000000 is out of range: must be in 1...") == true,
                "\(String(describing: picks))")
        #expect(picks?.description.contains("1...0 ") == false)
    }

    /// 24 linear-scan cells of 131,072 servers and 750,000 connections fill for about 118 s each:
    /// at an hour a cell they would take 24.8 hours, which the day's bound must see.
    @Test("a --seconds run counts its fills toward the day")
    func secondsRunTimeCountsFills() throws {
        let matrix = MatrixConfiguration(selectors: [.linearScan], serverCounts: [131_072], threadCounts: Array(1...24),
                                         workloads: [.uniform], concurrency: 750_000, length: .seconds(3_600))
        let error = #expect(throws: RunConfigurationError.self) { try matrix.cells() }
        #expect(error?.description.hasPrefix("--seconds 3600 is out of range: must be in 0.001...3481 for 24 cells") == true,
                "\(String(describing: error))")
    }

    /// `sharded` holds 8 B per stripe and 24 B more per server (`ShardedSelector`'s layout), its
    /// stripes following the processor count: the estimate must cover it on a many-core machine
    /// too, not only on the 2-core one its coefficient was measured on.
    @Test("the memory estimate covers sharded's stripes on 16 and 64 processors, and the measured bytes per connection",
          arguments: [16, 64])
    func memoryCoversShardedStripes(processors: Int) {
        let stripes = ShardedSelector.defaultStripeCount(processors: processors)
        #expect(stripes == processors)
        let servers = 8_388_608
        let matrix = MatrixConfiguration(selectors: [.sharded], serverCounts: [servers], threadCounts: [1],
                                         workloads: [.uniform], concurrency: 1, length: .picks(1))
        let estimate = matrix.estimatedPeakMemory(keepsPerServer: false, shardedStripes: stripes).bytes
        // Process, weights, the selector, one worker's tallies and worker 0's figures: at least.
        let selector = servers * (8 * stripes + 24)
        #expect(estimate >= MatrixConfiguration.processBytes + servers * 8 + selector + servers * 10, "\(estimate >> 20) MiB")
        // The other selectors keep their bound.
        #expect(MatrixConfiguration.selectorBytesPerServer(.p2c, shardedStripes: stripes) == 96)
        // Measured 24.5 B a connection (README): two connections take 49 B.
        #expect(MatrixConfiguration.bytesPerConnection * 2 >= 49)
    }

    @Test("a named matrix narrowed to lock-free selectors is not refused for the matrix's own locks")
    func namedMatrixLocks() throws {
        let scaling = MatrixConfiguration(locks: [.mutex, .spin], seed: 1)
        let narrowed = MatrixConfiguration(selectors: [.p2c], serverCounts: [8], threadCounts: [1], workloads: [.uniform])
            .filling(from: scaling)
        #expect(narrowed.locks == nil)
        #expect(try narrowed.cells().count == 1)
        let lockBased = MatrixConfiguration(selectors: [.buckets], serverCounts: [8], threadCounts: [1], workloads: [.uniform])
            .filling(from: scaling)
        #expect(lockBased.locks == [.mutex, .spin])
        // Locks the user gives with lock-free selectors only are still refused.
        var given = narrowed
        given.locks = [.spin]
        #expect(throws: RunConfigurationError.self) { try given.cells() }
    }

    @Test("name lists: commas, 'all', and unknown names listing the valid ones")
    func names() throws {
        #expect(try ListParsing.names("uniform, mixed", option: "--workloads", as: Workload.self) == [.uniform, .mixed])
        #expect(try ListParsing.names("all", option: "--workloads", as: Workload.self) == Workload.allCases)
        #expect(try ListParsing.names("spin,spin", option: "--locks", as: LockKind.self) == [.spin])
        let error = #expect(throws: RunConfigurationError.self) {
            try ListParsing.names("linear-scan,nope", option: "--selectors", as: SelectorKind.self)
        }
        #expect(error == .unknownName(option: "--selectors", name: "nope", valid: SelectorKind.allCases.map(\.rawValue) + ["all"]))
        let valid = (SelectorKind.allCases.map(\.rawValue) + ["all"]).joined(separator: ", ")
        #expect(error?.description == "unknown --selectors 'nope'; valid: \(valid)")
        #expect(throws: RunConfigurationError.emptyList(option: "--workloads")) {
            try ListParsing.names("", option: "--workloads", as: Workload.self)
        }
        #expect(try ListParsing.names("p2c,all", option: "--selectors", as: SelectorKind.self) == SelectorKind.allCases)
        // Beside `all`, a typo is still a typo, not every choice.
        for text in ["all,nope", "nope,all"] {
            #expect(throws: RunConfigurationError.unknownName(
                option: "--selectors", name: "nope", valid: SelectorKind.allCases.map(\.rawValue) + ["all"])) {
                try ListParsing.names(text, option: "--selectors", as: SelectorKind.self)
            }
        }
        for text in ["uniform,", ",uniform", "uniform,,mixed", " , "] {
            #expect(throws: RunConfigurationError.emptyItem(option: "--workloads", list: text)) {
                try ListParsing.names(text, option: "--workloads", as: Workload.self)
            }
        }
    }

    @Test("number lists: positive integers; weights may be 0")
    func numbers() throws {
        func servers(_ text: String) throws(RunConfigurationError) -> [Int] {
            try ListParsing.integers(text, option: "--servers", in: 1...1_024, reason: "test")
        }
        #expect(try servers("8,64, 1024") == [8, 64, 1_024])
        #expect(try servers("8,64,8,64") == [8, 64])
        #expect(throws: RunConfigurationError.outOfRange(option: "--servers", value: "-2", range: "1...1024", reason: "test")) {
            try servers("8,-2")
        }
        #expect(throws: RunConfigurationError.outOfRange(option: "--servers", value: "1025", range: "1...1024", reason: "test")) {
            try servers("1025")
        }
        #expect(throws: RunConfigurationError.emptyItem(option: "--servers", list: "1,,2")) { try servers("1,,2") }
        #expect(throws: RunConfigurationError.emptyList(option: "--servers")) { try servers("") }
        #expect(throws: RunConfigurationError.notAnInteger(option: "--servers", value: "1e3", range: "1...1024", reason: "test")) {
            try servers("1e3")
        }
        #expect(try ListParsing.integers("1,16777216", option: "--servers", in: RunConfiguration.Limits.servers,
                                         reason: "test") == [1, 16_777_216])
        #expect(throws: RunConfigurationError.emptyItem(option: "--weights", list: "1,,2")) { try ListParsing.weights("1,,2") }
        #expect(try ListParsing.weights("2,1,0") == [2, 1, 0])
        #expect(throws: RunConfigurationError.invalidWeights(.negativeWeight(server: 1, weight: -1))) {
            try ListParsing.weights("1,-1")
        }
    }

    @Test("a scanning selector's cell is refused when its estimated scan exceeds 2 minutes")
    func scanningWork() {
        let slow = MatrixConfiguration(selectors: [.linearScan], serverCounts: [1 << 24], threadCounts: [1],
                                       workloads: [.uniform], length: .picks(400_000))
        do {
            _ = try slow.cells()
            Issue.record("a cell of about 39 days was accepted")
        } catch {
            guard case let .tooMuchWork(selector, visits, fills, picks, seconds, nanoseconds) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(selector == "linear-scan" && visits == ScanVisits(entries: 1 << 24, kind: .servers))
            #expect(fills == 4 << 24 && picks == 400_000)
            // Beyond the caches, 3 ns a visit: 2^24 × (2^26 + 400,000) visits.
            #expect(nanoseconds == 3)
            #expect(abs(seconds / (Double(1 << 24) * Double((4 << 24) + 400_000) * 3e-9) - 1) < 1e-12)
            #expect(error.description.contains("would take about 39 days (3 ns a server visited)"))
            #expect(error.description.contains("a cell may scan for at most 2 minutes"))
        }
        let fast = MatrixConfiguration(selectors: [.p2c], serverCounts: [1 << 20], threadCounts: [1],
                                       workloads: [.uniform], length: .picks(400_000))
        #expect(throws: Never.self) { try fast.cells() }
        #expect(RunConfiguration.Limits.scanVisitCost(of: .p2c) == nil)
    }

    @Test("buckets' cell is refused when comparing its weight classes would take over 2 minutes; equal weights never are")
    func weightClassWork() throws {
        // 20,000 distinct weights: 20 ns a class visited, so 300,000 steps take 120 s.
        let distinct = Array(1...20_000)
        func cell(_ weights: [Int], picks: Int) -> MatrixConfiguration {
            MatrixConfiguration(selectors: [.buckets], serverCounts: [weights.count], threadCounts: [1], workloads: [.uniform],
                                weights: weights, concurrency: 1, length: .picks(picks))
        }
        #expect(throws: Never.self) { try cell(distinct, picks: 299_000).cells() }
        do {
            _ = try cell(distinct, picks: 1_000_000_000).cells()
            Issue.record("a buckets cell of about 2 days was accepted")
        } catch {
            guard case let .tooMuchWork(selector, visits, _, _, _, nanoseconds) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(selector == "buckets" && visits == ScanVisits(entries: 20_000, kind: .weightClasses) && nanoseconds == 20)
            #expect(error.description.contains("compares all 20000 weight classes (distinct weights) on every pick"))
            #expect(error.description.contains("give fewer distinct --weights, --concurrency or --picks"))
        }
        // The same farm with weights 1–4: four classes, nothing to bound.
        #expect(throws: Never.self) { try cell(distinct.map { $0 % 4 + 1 }, picks: 1_000_000_000).cells() }
        // Drained servers form no class.
        let drained = cell(distinct.map { $0 > 4 ? 0 : $0 }, picks: 1_000_000_000)
        #expect(try drained.cells().first?.scanVisits == ScanVisits(entries: 4, kind: .weightClasses))
    }

    /// The most fills and picks of a cell that scans for at most 2 minutes: `servers` × steps
    /// × the visit cost ≤ 120 s.
    @Test("the scan bound sits where each selector's visit cost puts it, in and beyond the caches",
          arguments: [
              (SelectorKind.linearScan, 131_072, 762_939),  // 1.2 ns: 119.99993 s; one more 120.00009
              (SelectorKind.linearScan, 262_144, 152_587),  // beyond the caches, 3 ns
              (SelectorKind.atomicScan, 65_536, 435_965),  // 4.2 ns
              (SelectorKind.atomicScan, 131_072, 101_725),  // 9 ns
              (SelectorKind.sharded, 65_536, 523_158),  // 3.5 ns
              (SelectorKind.sharded, 131_072, 203_450),  // 4.5 ns
          ])
    func scanBound(selector: SelectorKind, servers: Int, steps: Int) {
        func cell(_ steps: Int) -> MatrixConfiguration {
            MatrixConfiguration(selectors: [selector], serverCounts: [servers], threadCounts: [1], workloads: [.uniform],
                                concurrency: 1, length: .picks(steps - 1))
        }
        #expect(throws: Never.self) { try cell(steps).cells() }
        #expect(throws: RunConfigurationError.self) { try cell(steps + 1).cells() }
    }
}
