import ArgumentParser
import Foundation
import LBCommandLine
import LBHarness
import LBReporting
import LBSimulation
import Testing

@testable import lbbench

/// The command line against careless and hostile input, in-process: each row is parsed and
/// validated exactly as the binary does before any work starts (nothing runs), and must be
/// refused with exit status 64 and one line naming the option (and, for a number, its bound),
/// or accepted when it sits at a bound.
@Suite("Hostile command-line input")
struct HostileInputTests {
    /// What parsing and validating one argument list gave.
    struct Outcome {
        var command: (any ParsableCommand)?
        var status: Int32
        var line: String?
        var seconds: Double
    }

    /// Parses and validates `arguments` as `lbbench` does, without running anything.
    static func parse(_ arguments: [String]) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let command = try LBBench.parseChecked(arguments)
            return Outcome(command: command, status: 0, line: nil, seconds: seconds(clock.now - start))
        } catch {
            return Outcome(command: nil, status: LBBench.exitCode(for: error).rawValue,
                           line: UsageError.line(for: error, command: LBBench.self), seconds: seconds(clock.now - start))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// No parse or validation may take long: everything heavy is estimated, not built. A
    /// generous bound that only a hang or a per-server loop over a huge farm would break.
    static let timeLimit = 20.0

    /// A refused input: the arguments, then text the one line must contain (the option, and
    /// the bound where there is one).
    struct Refusal: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var mentions: [String]
        /// The arguments, a long one (a list of 20,000 weights) shortened to its length.
        var testDescription: String {
            arguments.map { $0.count > 80 ? "\($0.prefix(24))… (\($0.count) characters)" : $0 }.joined(separator: " ")
        }
        init(_ arguments: [String], _ mentions: String...) {
            self.init(arguments, mentions: mentions)
        }
        init(_ arguments: [String], mentions: [String]) {
            self.arguments = arguments
            self.mentions = mentions
        }
    }

    /// A short, cheap run every `run` row adds to, so rows that must be accepted stay small.
    static let small = ["--selectors", "p2c", "--workloads", "uniform", "--servers", "8", "--threads", "1"]

    static let runRefusals: [Refusal] = [
        // Durations: the issue's crash, wrap and hang, and the other ends of the range.
        .init(small + ["--seconds", "2e10"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "18446744073"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "1e10"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "3600.5"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "0.0009"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "4.9e-324"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "1e308"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "inf"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", "-inf"], "--seconds"),
        .init(small + ["--seconds", "nan"], "--seconds"),
        .init(small + ["--seconds=-0"], "--seconds"),
        .init(small + ["--seconds=-1"], "--seconds"),
        .init(small + ["--seconds", "0"], "--seconds"),
        .init(small + ["--seconds", "abc"], "--seconds", "0.001...3600"),
        .init(small + ["--seconds", ""], "--seconds"),
        .init(small + ["--seconds"], "--seconds"),
        // Picks.
        .init(small + ["--picks", "0"], "--picks"),
        .init(small + ["--picks=-1"], "--picks"),
        .init(small + ["--picks", "1000000001"], "--picks", "1...1000000000"),
        .init(small + ["--picks", "9223372036854775807"], "--picks", "1...1000000000"),
        .init(small + ["--picks", "9223372036854775808"], "--picks", "1...1000000000"),
        .init(small + ["--picks", "1e308"], "--picks", "1...1000000000"),
        .init(small + ["--picks", "nan"], "--picks", "1...1000000000"),
        .init(small + ["--picks", "10", "--seconds", "1"], "--picks", "--seconds"),
        .init(small + ["--quick", "--picks", "100"], "give --quick or --picks, not both", "20,000 picks"),
        .init(small + ["--quick", "--seconds", "1"], "give --quick or --seconds, not both"),
        // Out of range is said as such, before any estimate of a scanning selector's work.
        .init(["--selectors", "linear-scan", "--servers", "8", "--picks", "99999999999"], "--picks", "1...1000000000"),
        // A repeated option: argument-parser would keep the last value and ignore the first.
        .init(["--servers", "0", "--servers", "8"], "--servers is given more than once"),
        .init(["--picks=0", "--picks", "100"], "--picks is given more than once"),
        .init(small + ["--quick", "--quick"], "--quick is given more than once"),
        .init(small + ["--quick", "--seconds", "0.01"], "--quick", "--seconds"),
        // A --picks run is bounded at a day by its estimate (here about 28 hours of scans).
        .init(["--selectors", "linear-scan", "--servers", "1024,1025,1026,1027,1028,1029,1030,1031,1032,1033",
               "--threads", (1...100).map(String.init).joined(separator: ","), "--workloads", "uniform",
               "--picks", "90000000"], "--picks", "24 hours"),
        // Servers and threads: lists.
        .init(["--servers", "0"], "--servers"),
        .init(["--servers", "16777217"], "--servers", "1...16777216"),
        .init(["--servers", "1e10"], "--servers", "1...16777216"),
        .init(["--servers", "99999999999999999999"], "--servers"),
        .init(["--servers=-0"], "--servers"),
        .init(["--servers", "x"], "--servers"),
        .init(["--servers", ""], "--servers"),
        .init(["--servers", "8,"], "--servers", "empty item"),
        .init(["--servers", "8,,64"], "--servers", "empty item"),
        .init(["--servers", ",8"], "--servers", "empty item"),
        .init(["--threads", "0"], "--threads", "1...128"),
        .init(["--threads", "129"], "--threads", "1...128"),
        .init(["--threads", "1,nan"], "--threads"),
        .init(["--threads", "1,"], "--threads", "empty item"),
        // Concurrency: the real cap, not a selector's.
        .init(small + ["--concurrency", "0"], "--concurrency", "1...67108864"),
        .init(small + ["--concurrency", "67108865"], "--concurrency", "1...67108864"),
        .init(small + ["--concurrency", "10000000000"], "--concurrency", "1...67108864"),
        .init(small + ["--concurrency", "1e10"], "--concurrency", "1...67108864"),
        .init(small + ["--concurrency=-1"], "--concurrency"),
        .init(["--threads", "4", "--concurrency", "2"], "--concurrency", "thread count"),
        // Seeds: any 64-bit value, nothing else.
        .init(small + ["--seed=-1"], "--seed", "18446744073709551615"),
        .init(small + ["--seed", "18446744073709551616"], "--seed", "18446744073709551615"),
        .init(small + ["--seed", "1e3"], "--seed"),
        // Names.
        .init(["--selectors", ""], "--selectors"),
        .init(["--selectors", "buckets,"], "--selectors", "empty item"),
        .init(["--selectors", "nope"], "--selectors", "nope"),
        .init(["--locks", ""], "--locks"),
        .init(["--locks", "ticket"], "--locks", "ticket"),
        .init(["--workloads", "uniform,,mixed"], "--workloads", "empty item"),
        .init(["--workloads", "bogus"], "--workloads", "bogus"),
        .init(["--format", "xml"], "--format"),
        // Weights.
        .init(["--weights", ""], "--weights"),
        .init(["--weights", "1,,2"], "--weights", "empty item"),
        .init(["--weights", "1,x"], "--weights"),
        .init(["--weights", "1,-1"], "--weights"),
        .init(["--weights", "1.5,1,1"], "--weights", "1.5", "0...4294967295"),
        .init(["--weights", "18446744073709551615,1"], "--weights", "0...4294967295"),
        // A negative value after a space is the option's value, refused by its range.
        .init(small + ["--picks", "-1"], "--picks", "1...1000000000"),
        .init(["--servers", "-1"], "--servers", "-1", "1...16777216"),
        .init(["--threads", "-2"], "--threads", "-2", "1...128"),
        // A whole run of --seconds cells lasts at most a day.
        .init(["--seconds", "3600"], "--seconds", "0.001...771 for 112 cells", "24 hours"),
        .init(["--matrix", "scaling", "--seconds", "3600"], "--seconds", "24 hours"),
        // `all` does not hide a typo beside it.
        .init(["--selectors", "all,nope"], "--selectors", "nope"),
        .init(["--workloads", "uniform,nope,all"], "--workloads", "nope"),
        .init(["--locks", "all,nope"], "--locks", "nope"),
        // The memory budget and what exceeds it.
        .init(small + ["--memory-budget", "1k"], "--memory-budget", "64 MiB"),
        .init(small + ["--memory-budget", "0"], "--memory-budget", "64 MiB"),
        .init(small + ["--memory-budget", "1000000GiB"], "--memory-budget", "physical memory"),
        .init(small + ["--memory-budget", "99999999999999999999"], "--memory-budget"),
        .init(small + ["--memory-budget", "lots"], "--memory-budget"),
        .init(["--servers", "16777216", "--threads", "128", "--concurrency", "128", "--selectors", "p2c"],
              "memory budget", "--memory-budget"),
        .init(["--servers", "16777216,16777215,16777214,16777213", "--selectors", "p2c", "--workloads", "uniform",
               "--threads", "1", "--format", "json"], "memory budget"),
        .init(["--bogus"], "--bogus"),
        // Time: a selector that scans every server, on a farm too large for its picks or fills
        // (one connection per server: the default four would be over the memory budget first).
        .init(["--selectors", "linear-scan", "--servers", "16777216", "--concurrency", "16777216", "--threads", "1",
               "--workloads", "uniform"],
              "linear-scan", "--servers", "about 10 days", "at most 2 minutes"),
        .init(["--selectors", "atomic-scan", "--servers", "1000000", "--concurrency", "1000000", "--seconds", "1",
               "--threads", "1", "--workloads", "uniform"], "atomic-scan", "--concurrency"),
        // A pick of `buckets` compares every weight class: 20,000 distinct weights, 10⁹ picks.
        .init(["--selectors", "buckets", "--servers", "20000", "--weights", distinctWeights, "--picks", "1000000000",
               "--threads", "1", "--workloads", "uniform"],
              "buckets", "compares all 20000 weight classes", "about 4.6 days", "at most 2 minutes", "distinct --weights"),
    ]

    /// 1, 2, …, 20,000: as many weight classes as servers.
    static let distinctWeights = (1...20_000).map(String.init).joined(separator: ",")

    static let simulateRefusals: [Refusal] = [
        .init(["simulate", "--servers", "0"], "--servers", "1...100000"),
        .init(["simulate", "--servers", "100001"], "--servers", "1...100000"),
        .init(["simulate", "--servers", "10000000000"], "--servers", "1...100000"),
        .init(["simulate", "--servers", "1e10"], "--servers", "1...100000"),
        .init(["simulate", "--servers=-0"], "--servers"),
        .init(["simulate", "--jobs", "299"], "--jobs", "300...1000000000"),
        .init(["simulate", "--jobs", "1000000001"], "--jobs", "300...1000000000"),
        .init(["simulate", "--jobs", "1e10"], "--jobs", "300...1000000000"),
        .init(["simulate", "--balancers", "0"], "--balancers", "1...1024"),
        .init(["simulate", "--balancers", "1025"], "--balancers", "1...1024"),
        .init(["simulate", "--utilization", "0"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "0.0009"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "1e-300"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "0.9991"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "1"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "nan"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization", "inf"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--utilization=-0"], "--utilization", "0.001...0.999"),
        .init(["simulate", "--balancers", "2", "--refresh", "0"], "--refresh"),
        .init(["simulate", "--balancers", "2", "--refresh=-1"], "--refresh"),
        .init(["simulate", "--balancers", "2", "--refresh", "nan"], "--refresh"),
        .init(["simulate", "--balancers", "2", "--refresh", "inf"], "--refresh"),
        .init(["simulate", "--balancers", "2", "--refresh", "1e13"], "--refresh", "1000000000000"),
        .init(["simulate", "--balancers", "16", "--refresh", "1e-9"], "--refresh", "one refresh per request"),
        // Just below the least period (2 balancers ÷ 9 requests per unit, 0.2222…: one refresh per request),
        // whose bound is stated rounded up, so that the value named is one the command takes.
        .init(["simulate", "--balancers", "2", "--refresh", "0.222"], "--refresh 0.222", "0.223...1000000000000"),
        // Options that only mean something together, alone or with their opposite.
        .init(["simulate", "--refresh", "5"], "--refresh models counts shared between balancers", "--balancers 2 or more"),
        .init(["simulate", "--balancers", "1", "--refresh", "5"], "--refresh models counts shared", "--balancers 2 or more"),
        .init(["simulate", "--population", "10", "--utilization", "0.5"], "--utilization is for Poisson arrivals"),
        .init(["simulate", "--think-time", "2"], "--think-time needs --population"),
        .init(["simulate", "--servers", "4", "--weights", "1,2"], "--servers 4 but --weights lists 2 servers"),
        .init(["simulate", "--servers", "2", "--weights", "1,2,3"], "--servers 2 but --weights lists 3 servers"),
        .init(["simulate", "--validate", "--selectors", "p2c"], "--validate runs its own farms"),
        .init(["simulate", "--validate", "--refresh", "5"], "--validate runs its own farms"),
        .init(["simulate", "--selectors", ""], "--selectors"),
        .init(["simulate", "--selectors", "buckets,"], "--selectors", "empty item"),
        .init(["simulate", "--selectors", "nope"], "--selectors", "random"),
        .init(["simulate", "--selectors", "haproxy-leastconn", "--weights", "2,300"], "--weights", "300", "1...256"),
        .init(["simulate", "--selectors", "all", "--weights", "257"], "--weights", "257", "haproxy-leastconn"),
        .init(["simulate", "--seed=-1"], "--seed"),
        .init(["simulate", "--servers", "0", "--servers", "2"], "--servers is given more than once"),
        .init(["simulate", "--memory-budget", "1k"], "--memory-budget"),
        .init(["simulate", "--servers", "100000", "--balancers", "1024"], "memory budget", "--memory-budget"),
        // An unweighted farm of unequal speeds: its slow server's queue grows until arrivals stop.
        .init(["simulate", "--weights", "1000,1", "--unweighted", "--selectors", "round-robin", "--jobs", "2000000",
               "--memory-budget", "64MiB"], "--memory-budget", "64 MiB", "--jobs 2000000", "4400000 requests"),
        .init(["simulate", "--weights", "1000,1", "--unweighted", "--selectors", "random", "--discipline", "fcfs",
               "--jobs", "100000000"], "--memory-budget", "--jobs 100000000"),
        // The default comparison's video farm (weights 2, 1, 1, unweighted at ρ = 0.9) overloads its slow servers.
        .init(["simulate", "--jobs", "10000000", "--memory-budget", "64MiB"], "--memory-budget", "--jobs 10000000"),
        .init(["simulate", "--format", "xml"], "--format"),
        .init(["simulate", "--utilization", "-0.5"], "--utilization", "-0.5", "0.001...0.999"),
        .init(["simulate", "--selectors", "all,nope"], "--selectors", "nope"),
        // Time: every router and scenario of the default comparison at 10⁹ jobs would take hours;
        // a scanning router on a large farm, or refreshed views, visit every server per request.
        .init(["simulate", "--jobs", "1000000000"], "--jobs", "10000000000"),
        .init(["simulate", "--validate", "--jobs", "1000000000"], "--jobs", "10000000000"),
        // Too few for its 1,000-server farm's warm-up: a false simulator failure, not a check.
        .init(["simulate", "--validate", "--jobs", "99999"], "--jobs 99999", "at least 100000"),
        .init(["simulate", "--servers", "100000", "--jobs", "1000000000", "--selectors", "linear-scan"],
              "--jobs", "linear-scan", "about 3.4 days", "at most 2 minutes"),
        .init(["simulate", "--servers", "100000", "--jobs", "1000000000", "--selectors", "nginx-least-conn"],
              "--jobs", "nginx-least-conn", "about 21 days", "at most 2 minutes"),
        // The default million jobs on 100,000 servers: about 27 minutes at atomic-scan's 14.5 ns.
        .init(["simulate", "--servers", "100000", "--selectors", "atomic-scan"], "--jobs 1000000", "about 27 minutes"),
        // Just past the bound accepted below: 444,510 requests, 120.02 s.
        .init(["simulate", "--servers", "100000", "--jobs", "404100", "--selectors", "linear-scan"], "--jobs 404100",
              "about 2 minutes", "at most 2 minutes"),
        // `buckets` compares all 20,000 weight classes on every request: 1.1·10⁸ requests at 8 ns.
        .init(["simulate", "--selectors", "buckets", "--weights", distinctWeights, "--jobs", "100000000"],
              "--jobs", "buckets compares all 20000 weight classes", "at most 2 minutes", "distinct --weights"),
        .init(["simulate", "--servers", "1000", "--balancers", "4", "--refresh", "100", "--jobs", "1000000000",
               "--selectors", "buckets"], "--jobs", "refreshed views"),
        // Every pick and release is replayed into the other 1,023 balancers' selectors.
        .init(["simulate", "--servers", "10000", "--balancers", "1024", "--refresh", "0.114", "--jobs", "18100000",
               "--selectors", "random"], "--jobs", "the other 1023 balancers", "--balancers"),
        // Just past the bound accepted below: 4.4 million requests at 31.8 µs of replays each, about 140 s.
        .init(["simulate", "--servers", "1000", "--balancers", "256", "--refresh", "0.2845", "--jobs", "4000000",
               "--selectors", "random"], "--jobs 4000000", "about 2.3 minutes", "the other 255 balancers"),
        // A heap's replays cost more than a count's: the same farm, a quarter of the jobs.
        .init(["simulate", "--servers", "1000", "--balancers", "256", "--refresh", "0.2845", "--jobs", "1000000",
               "--selectors", "min-heap"], "--jobs 1000000", "about 2.3 minutes", "the other 255 balancers"),
    ]

    static let otherRefusals: [Refusal] = [
        .init(["check", "--seed=-1"], "--seed"),
        .init(["check", "--seed", "nan"], "--seed"),
        .init(["check", "--format", "csv"], "--format"),
        .init(["check", "--bogus"], "--bogus"),
        .init(["report"], "<files>"),
        .init(["report", "x.json", "--memory-budget", "1k"], "--memory-budget"),
        .init(["report", "x.json", "--format", "xml"], "--format"),
        .init(["report", "x.json", "--memory-budget", "-1"], "--memory-budget"),
        .init(["compare", "a.json", "--bogus"], "--bogus"),
        .init(["compare", "a.json", "b.json", "--bogus"], "--bogus"),
        .init(["compare", "a.json", "-x"], "unknown option '-x'", "given as ./-x"),
        .init(["compare", "a.json", "b.json", "--noise", "-5"], "--noise", "0 to 1000"),
        .init(["compare", "a.json", "b.json", "--noise", "1000.5"], "--noise", "0 to 1000"),
        .init(["compare", "a.json", "b.json", "--fail-on-regression", "1000.5"], "--fail-on-regression", "0 to 1000"),
        .init(["compare", "a.json", "b.json", "--memory-budget", "1k"], "--memory-budget", "64 MiB"),
    ]

    @Test("refused with exit 64 and one line naming the option and its bound",
          arguments: runRefusals + runRefusals.map { Refusal(["run"] + $0.arguments, mentions: $0.mentions) } + simulateRefusals
              + otherRefusals)
    func refused(_ refusal: Refusal) throws {
        let outcome = Self.parse(refusal.arguments)
        #expect(outcome.status == 64, "accepted or not a usage error: \(outcome.status)")
        let line = try #require(outcome.line)
        #expect(line.hasPrefix("Error: ") && !line.contains("\n") && !line.contains("Usage:"), "\(line)")
        for text in refusal.mentions {
            #expect(line.contains(text), "'\(text)' missing from: \(line)")
        }
        #expect(outcome.seconds < Self.timeLimit)
    }

    static let acceptedAtBounds: [[String]] = [
        small + ["--seconds", "0.001"], small + ["--seconds", "3600"], small + ["--picks", "1"],
        small + ["--picks", "1000000000"], small + ["--concurrency", "1"], small + ["--concurrency", "1000000"],
        small + ["--seed", "0"], small + ["--seed", "18446744073709551615"], small + ["--memory-budget", "64MiB"],
        // (16,777,216 servers, the bound, is accepted too, but validating its weights takes
        // seconds in a debug build: MatrixConfigurationTests checks that bound.)
        ["--selectors", "p2c", "--workloads", "uniform", "--servers", "1048576", "--threads", "1"],
        ["--selectors", "p2c", "--workloads", "uniform", "--servers", "1", "--threads", "128", "--concurrency", "128"],
        ["run", "--selectors", "all,p2c", "--workloads", "all", "--servers", "8", "--threads", "1", "--picks", "1"],
        ["simulate", "--servers", "1"], ["simulate", "--servers", "100000", "--selectors", "buckets"],
        ["simulate", "--jobs", "300"],
        ["simulate", "--servers", "10", "--jobs", "1000000000"], ["simulate", "--balancers", "1024"],
        // 444,400 requests × 100,000 servers at linear-scan's 2.7 ns: 119.99 s of the 120 a run may scan.
        ["simulate", "--servers", "100000", "--jobs", "404000", "--selectors", "linear-scan"],
        // Between the tiers: 8,192 servers at 6.25 ns a visit, the default million jobs about 56 s.
        ["simulate", "--servers", "8192", "--selectors", "atomic-scan"],
        ["--selectors", "p2c", "--workloads", "uniform", "--servers", "8", "--threads", "1", "--seconds", "3600"],
        ["--seconds", "771"], ["--matrix", "scaling", "--selectors", "p2c", "--servers", "8", "--threads", "1"],
        ["simulate", "--utilization", "0.001"], ["simulate", "--utilization", "0.999"],
        ["simulate", "--balancers", "2", "--refresh", "1000000000000"], ["simulate", "--selectors", "all"],
        // The least refresh period of 2 balancers on the default farm (9 requests per unit, 0.2222…), as the
        // refusal just below it states it: 0.223.
        ["simulate", "--balancers", "2", "--refresh", "0.223"],
        // 3.3 million requests at 31.8 µs of replays each: about 105 s of the 120.
        ["simulate", "--servers", "1000", "--balancers", "256", "--refresh", "0.2845", "--jobs", "3000000",
         "--selectors", "random"],
        ["simulate", "--seed", "18446744073709551615"], ["check", "--seed", "18446744073709551615"],
        // Weighted, no server gets more than its speed, so no queue is counted; unweighted, the
        // slow server's queue (2.2 million requests, 134 MiB) still fits the default budget.
        ["simulate", "--weights", "1000,1", "--selectors", "round-robin", "--jobs", "1000000000"],
        ["simulate", "--weights", "1000,1", "--unweighted", "--selectors", "round-robin"],
        ["simulate", "--validate"],
        // compare's percentages at their ends (the files are read only when it runs).
        ["compare", "a.json", "b.json", "--noise", "1000", "--fail-on-regression", "1000"],
        ["compare", "a.json", "b.json", "--noise", "0", "--fail-on-regression", "0"],
    ]

    @Test("a value holding a line break and `Usage:` or `See '` does not cut the line short", arguments: [
        ["run", "--selectors", "x\nUsage: y"], ["run", "--selectors", "x\nSee 'y"], ["run", "--selectors", "x\r\n\u{1b}[2J"],
        ["run", "--selectors", "x\ty"], ["run", "--selectors", "x\u{2028}y"], ["run", "--selectors", "x\u{2029}y"],
    ])
    func controlCharactersInValues(_ arguments: [String]) throws {
        let outcome = Self.parse(arguments)
        #expect(outcome.status == 64)
        let line = try #require(outcome.line)
        #expect(line.hasPrefix("Error: unknown --selectors 'x\\") && line.contains("valid: round-robin"), "\(line)")
        #expect(!line.contains(where: { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }),
                "\(line)")
    }

    @Test("a value that does not parse: argument-parser's message, then the option's help in parentheses, on one line")
    func unparsableValueWithHelp() throws {
        let line = try #require(Self.parse(["run", "--picks", "abc"]).line)
        #expect(line.hasPrefix("Error: The value 'abc' is invalid for '--picks <picks>' (--picks <picks>  Measured picks per cell")
                && line.hasSuffix(")") && line.contains("1...1000000000"), "\(line)")
    }

    @Test("--quick, --picks and --seconds set the run's length; none of them leaves the standard one")
    func runLength() throws {
        func length(_ extra: [String]) throws -> RunLength? {
            try #require(Self.parse(Self.small + extra).command as? Run).matrix().length
        }
        #expect(try length(["--quick"]) == .quick)
        #expect(try length(["--picks", "5000"]) == .picks(5000))
        #expect(try length(["--seconds", "2"]) == .seconds(2))
        #expect(try length([]) == MatrixConfiguration(seed: 1).length)
    }

    @Test("accepted at its bounds, quickly", arguments: acceptedAtBounds)
    func acceptedAtBound(_ arguments: [String]) {
        let outcome = Self.parse(arguments)
        #expect(outcome.status == 0, "\(outcome.line ?? "")")
        #expect(outcome.seconds < Self.timeLimit)
    }

    @Test("an unknown --format is refused naming exactly the formats that command writes")
    func formatsPerCommand() throws {
        let line = try #require(Self.parse(["check", "--format", "xml"]).line)
        #expect(line.contains("'markdown' and 'json'") && !line.contains("csv"), "\(line)")
        #expect(Self.parse(["check", "--format", "csv"]).status == 64)
        #expect(Self.parse(["check", "--format", "json"]).status == 0)
        for command in [["run"], ["report", "x.json"], ["compare", "a.json", "b.json"], ["simulate"], ["simulate", "--validate"]] {
            let line = try #require(Self.parse(command + ["--format", "xml"]).line)
            #expect(line.contains("'markdown', 'json' or 'csv'"), "\(line)")
            #expect(Self.parse(command + ["--format", "csv"]).status == 0)
        }
    }

    @Test("a repeated list item makes one cell or run, for every command")
    func duplicatesKeptOnce() throws {
        let run = try #require(Self.parse(["run", "--servers", "8,8", "--threads", "1,1", "--selectors", "buckets,buckets",
                                           "--workloads", "uniform,uniform", "--locks", "spin,spin"]).command as? Run)
        let cells = try run.matrix().cells()
        #expect(cells.count == 1)
        let simulate = try #require(Self.parse(["simulate", "--selectors", "buckets,buckets,random"]).command as? Simulate)
        #expect(try simulate.routers() == [.selector(.buckets), .random])
        let all = try #require(Self.parse(["simulate", "--selectors", "all"]).command as? Simulate)
        #expect(try all.routers() == RouterKind.allCases)
    }

    @Test("the issue's memory example is refused with its estimate and the budget")
    func memoryEstimate() throws {
        let outcome = Self.parse(["--servers", "16777216", "--threads", "128", "--concurrency", "128", "--selectors", "p2c"])
        let line = try #require(outcome.line)
        // 16 Mi servers × 128 threads × 8 B of tallies alone is 16 GiB.
        #expect(line.contains("GiB") && line.contains(MemoryBudget.standard.description), "\(line)")
        #expect(outcome.seconds < Self.timeLimit)
    }

    @Test("an option given twice is refused, by name or with =; nothing after a lone -- counts, and --help may repeat")
    func repeatedOptions() {
        #expect(throws: ValidationError.self) { try RepeatedOptions.check(["--weights", "0", "--weights=1"]) }
        #expect(throws: ValidationError.self) { try RepeatedOptions.check(["live", "--seed", "1", "--format", "csv", "--seed", "2"]) }
        #expect(throws: Never.self) { try RepeatedOptions.check(["--servers", "8", "--threads", "8", "a", "a"]) }
        #expect(throws: Never.self) { try RepeatedOptions.check(["--help", "--help", "--", "--servers", "--servers"]) }
        #expect(throws: Never.self) { try RepeatedOptions.check(["--seed=-1", "-h", "-h", "--", "--"]) }
    }

    @Test("help names one subcommand or none: help foo and help run extra are refused")
    func helpRequests() throws {
        for arguments in [["help"], ["help", "run"], ["help", "compare"], ["run", "help"]] {
            #expect(throws: Never.self) { try LBBench.checkHelpRequest(arguments) }
        }
        for arguments in [["help", "foo"], ["help", "run", "extra"]] {
            let error = #expect(throws: ValidationError.self) { try LBBench.checkHelpRequest(arguments) }
            let line = try #require(error.map { UsageError.line(for: $0, command: LBBench.self) } ?? nil)
            #expect(line.contains("name one subcommand") && line.contains(arguments[1]), "\(line)")
            // And the command line as the binary parses it makes that check.
            let parsed = Self.parse(arguments)
            #expect(parsed.status == 64 && parsed.line?.contains("name one subcommand") == true, "\(parsed.line ?? "accepted")")
        }
        // The simulator's population is bounded by its warm-up, and says so with the option's name.
        let population = Self.parse(["simulate", "--population", "0"])
        #expect(population.status == 64 && population.line?.contains("--population 0") == true, "\(population.line ?? "")")
    }

    @Test("--help beside an argument the command does not take is refused like it; otherwise it is help")
    func helpFlagsBesideArguments() throws {
        for (arguments, expected) in [(["run", "--help", "extra"], "Unexpected argument 'extra'"),
                                      (["-h", "simulate", "--no-such-option"], "Unknown option '--no-such-option'"),
                                      (["report", "--help", "--picks", "5"], "Unknown option '--picks'"),
                                      (["compare", "--help", "a.json", "--picks", "5"], "unknown option '--picks'")] {
            let outcome = Self.parse(arguments)
            #expect(outcome.status == 64 && outcome.line?.contains(expected) == true, "\(arguments): \(outcome.line ?? "accepted")")
        }
        // Help, also beside arguments that are incomplete or out of range: that is how one finds out.
        for arguments in [["--help"], ["run", "--servers", "8", "--help"], ["simulate", "-h"], ["report", "--help"],
                          ["compare", "-h"], ["run", "--servers", "0", "--help"]] {
            // argument-parser answers a help flag with its own help command, which prints and exits 0.
            let outcome = Self.parse(arguments)
            let kind = outcome.command.map { "\(type(of: $0))" } ?? "none"
            #expect(outcome.status == 0 && kind.contains("Help"), "\(arguments): \(outcome.line ?? kind)")
        }
        for arguments in [["live", "--help", "extra"], ["run", "--", "--help", "extra"]] {
            #expect(throws: Never.self, "\(arguments)") { try HelpFlags.check(arguments, as: LBBench.self) }
        }
    }

    @Test("compare's --base and --new may repeat, as the binary parses them; no other option may")
    func repeatableOptions() throws {
        let accepted = Self.parse(["compare", "--base", "a.json", "--base=b.json", "--new", "c.json", "--new", "d.json"])
        #expect(accepted.status == 0 && accepted.command is Compare, "\(accepted.line ?? "")")
        let refused = Self.parse(["compare", "--base", "a.json", "--new", "c.json", "--noise", "5", "--noise", "6"])
        #expect(refused.status == 64 && refused.line?.contains("--noise is given more than once") == true, "\(refused.line ?? "accepted")")
    }

    @Test("help states every bound")
    func helpStatesBounds() {
        let run = Run.helpMessage(columns: 100_000)
        for bound in ["1...16777216", "1...128", "1...67108864", "1...1000000000", "0.001...3600", "--memory-budget",
                      "18446744073709551615"] {
            #expect(run.contains(bound), "run --help lacks \(bound)")
        }
        let simulate = Simulate.helpMessage(columns: 100_000)
        for bound in ["1...100000", "1...1024", "300...1000000000", "0.001...0.999", "--memory-budget",
                      "at most one refresh per request"] {
            #expect(simulate.contains(bound), "simulate --help lacks \(bound)")
        }
    }
}
