import LBHarness
import LBReporting
import LBSimulation
import LoadBalancing
import Testing

/// The memory budget: its command-line spelling, and the run's and the farm's estimates
/// against the figures measured with `/usr/bin/time -v` (README, "Exit statuses and the memory
/// budget").
@Suite("Memory budget")
struct MemoryBudgetTests {
    @Test("--memory-budget spellings", arguments: [
        ("512", 512 << 20), ("512MiB", 512 << 20), ("8GiB", 8 << 30), ("8g", 8 << 30), ("64M", 64 << 20),
        ("1024k", 1 << 20), ("100B", 100), ("99999999999999999999GiB", nil), ("lots", nil), ("", nil), ("-1", nil),
        ("1.5GiB", nil), ("8 TiB", nil), ("1TiB", 1 << 40), ("2t", 2 << 40), ("17179869184GiB", Int.max),
    ] as [(String, Int?)])
    func spellings(text: String, bytes: Int?) {
        #expect(MemoryBudget(argument: text)?.bytes == bytes)
    }

    @Test("a budget below 64 MiB or above the physical memory is refused")
    func honourable() throws {
        // The refusal quotes the value as given, not its overflowed or converted bytes.
        let huge = try #require(MemoryBudget(argument: "17179869184GiB"))
        #expect(huge.problem?.hasPrefix("--memory-budget 17179869184GiB is out of range") == true, "\(huge.problem ?? "")")
        #expect(MemoryBudget(argument: "1TiB")?.problem?.contains("1TiB") == true)
        #expect(MemoryBudget(bytes: 64 << 20).problem == nil)
        #expect(MemoryBudget(bytes: (64 << 20) - 1).problem != nil)
        #expect(MemoryBudget(bytes: MemoryBudget.physicalBytes + 1).problem != nil)
        #expect(MemoryBudget.standard.problem == nil)
        #expect(MemoryBudget.standard.bytes <= 4 << 30)
    }

    /// Guards `format`'s unit steps and digits (mutants that kept 1,024 of a unit instead of
    /// moving up, or printed 31.94 GiB and 2.5 GiB, survived without it): three significant
    /// digits in the largest unit that keeps the value at 1 or more.
    @Test("budgets print in binary units with three significant digits", arguments: [
        (1_023, "1023 B"), (1_024, "1 KiB"), (1 << 20, "1 MiB"), (512 << 20, "512 MiB"), (1 << 30, "1 GiB"),
        (5 << 29, "2.50 GiB"), (Int(31.94 * Double(1 << 30)), "31.9 GiB"), (1 << 40, "1 TiB"),
    ])
    func format(bytes: Int, text: String) {
        #expect(MemoryBudget.format(bytes) == text)
    }

    /// Guards the comparison in `check` (a mutant that refused an estimate of exactly the
    /// budget survived without it).
    @Test("an estimate of exactly the budget fits; one byte more is refused")
    func checkEdge() {
        let budget = MemoryBudget(bytes: 64 << 20)
        #expect(throws: Never.self) { try budget.check(estimate: 64 << 20, what: "the run", detail: "") }
        #expect(throws: MemoryBudget.Excess.self) { try budget.check(estimate: (64 << 20) + 1, what: "the run", detail: "") }
    }

    @Test("run: the default matrix fits, the issue's 16 Mi servers × 128 threads does not; JSON costs more")
    func runEstimate() throws {
        #expect(MatrixConfiguration().estimatedPeakMemory(keepsPerServer: false).bytes < 256 << 20)
        let huge = MatrixConfiguration(selectors: [.p2c], serverCounts: [16_777_216], threadCounts: [128], concurrency: 128)
        // 16 Mi servers × 128 threads × 8 B of pick tallies alone are 16 GiB.
        #expect(huge.estimatedPeakMemory(keepsPerServer: false).bytes > 16 << 30)
        #expect(throws: RunConfigurationError.self) {
            try huge.checkMemory(MemoryBudget(bytes: 4 << 30), keepsPerServer: false)
        }
        let two = MatrixConfiguration(selectors: [.p2c], serverCounts: [1 << 20], threadCounts: [1, 2])
        #expect(two.estimatedPeakMemory(keepsPerServer: true).bytes > two.estimatedPeakMemory(keepsPerServer: false).bytes)
        let absurd = MatrixConfiguration(serverCounts: [.max], threadCounts: [.max], concurrency: .max)
        #expect(absurd.estimatedPeakMemory(keepsPerServer: true).bytes == .max)
    }

    @Test("run: the estimate bounds the measured peaks from above, by less than 2×", arguments: [
        // (servers, threads, connections, selector, measured maximum resident set in KiB)
        (1 << 20, 1, 1 << 20, SelectorKind.roundRobin, 197_280), (1 << 20, 8, 1 << 20, .roundRobin, 264_648),
        (1 << 20, 8, 1 << 20, .p2c, 199_680), (8, 1, 8 << 20, .linearScan, 221_948),
    ])
    func runEstimateAgainstMeasured(servers: Int, threads: Int, connections: Int, selector: SelectorKind, measured: Int) {
        let matrix = MatrixConfiguration(selectors: [selector], serverCounts: [servers], threadCounts: [threads],
                                         workloads: [.uniform], concurrency: connections)
        let estimate = matrix.estimatedPeakMemory(keepsPerServer: false).bytes
        #expect(estimate >= measured << 10 && estimate < 2 * (measured << 10), "estimate \(estimate >> 10) KiB")
    }

    @Test("simulate: the issue's 100,000 servers × 1,024 balancers (measured 6.8 GiB) is over 4 GiB, bounded from above")
    func simulateEstimate() {
        let farm = SimulationConfiguration(weights: Array(repeating: 1, count: 100_000), balancers: 1_024)
        #expect(farm.estimatedPeakBytes > Int(6.8 * Double(1 << 30)) && farm.estimatedPeakBytes < 10 << 30)
        let small = SimulationConfiguration(weights: Array(repeating: 1, count: 10))
        #expect(small.estimatedPeakBytes < 64 << 20)
    }

    @Test("simulate: open traffic that gives a server more than its speed counts every request that can arrive")
    func simulateOverload() {
        // Unweighted, speeds 1000 and 1: the slow server gets half of 0.9 × 1001 per time unit.
        let overloaded = SimulationConfiguration(weights: [1000, 1], unweighted: true, jobs: 2_000_000)
        #expect(overloaded.overloadsAServer && overloaded.requestsInSystemBound == overloaded.arrivalCap)
        #expect(overloaded.estimatedPeakBytes >= overloaded.arrivalCap * SimulationConfiguration.bytesPerRequestInSystem)
        #expect(overloaded.estimateDetail.contains("--jobs 2000000"))
        // Weighted, or unweighted at equal speeds, every server gets 0.9 × its speed.
        for stable in [SimulationConfiguration(weights: [1000, 1], jobs: 2_000_000),
                       SimulationConfiguration(weights: [3, 3, 3], unweighted: true, jobs: 2_000_000)] {
            #expect(!stable.overloadsAServer && stable.requestsInSystemBound == 0)
        }
        let closed = SimulationConfiguration(weights: [1000, 1], unweighted: true, traffic: .closed(population: 50, thinkTime: 1))
        #expect(!closed.overloadsAServer && closed.requestsInSystemBound == 50)
    }

    @Test("finished cells keep per-server figures only when asked (JSON)")
    func perServerFigures() throws {
        let cells = try MatrixConfiguration(selectors: [.p2c], serverCounts: [16], threadCounts: [1],
                                            workloads: [.uniform], length: .picks(2_000)).cells()
        #expect(try Harness.run(cells, keepsPerServer: true).runs[0].perServer.picks.count == 16)
        let lean = try Harness.run(cells, keepsPerServer: false).runs[0]
        #expect(lean.perServer.picks.isEmpty && lean.perServer.meanActive.isEmpty)
        #expect(lean.weights.count == 16, "CSV still prints the weights")
        #expect(!OutputFormat.markdown.needsPerServerFigures && !OutputFormat.csv.needsPerServerFigures)
        #expect(OutputFormat.json.needsPerServerFigures)
    }
}
