import Foundation
import LoadBalancing

/// When results from two machines may share one report.
///
/// Two results are from "the same machine" when the CPU model, the core count, the operating
/// system's distribution and name, the Swift version and the build configuration agree. The
/// kernel's release string is left out: it changes with every kernel update (and differs
/// between hosts of one cloud instance type) without changing what is measured.
extension MachineContext {
    /// `os` without the kernel release: `Debian GNU/Linux 12 (bookworm), Linux 6.1.0-13-amd64`
    /// becomes `Debian GNU/Linux 12 (bookworm), Linux`. An `os` not in the harness's
    /// `distribution, system release` form is returned unchanged.
    public var operatingSystemWithoutKernelRelease: String {
        guard let comma = os.range(of: ", ", options: .backwards) else { return os }
        let system = os[comma.upperBound...]
        guard let space = system.firstIndex(of: " ") else { return os }
        return String(os[..<space])
    }

    /// Whether `other` describes the same machine and build (see the type's rule), so that runs
    /// from both can share one report without a machine column; date, timer and kernel release
    /// may differ.
    public func sameMachine(as other: MachineContext) -> Bool {
        cpu == other.cpu && cores == other.cores
            && operatingSystemWithoutKernelRelease == other.operatingSystemWithoutKernelRelease
            && swift == other.swift && build == other.build
    }

    /// The machine in one line: `AMD EPYC, 2 cores, Debian GNU/Linux 12 (bookworm), Linux 6.1.0,
    /// Swift 6.3, release build, 2026-11-27T00:29:47Z`.
    public var oneLine: String {
        "\(cpu), \(cores) cores, \(os), Swift \(swift), \(build) build, \(date)"
    }
}

extension ResultsDocument {
    /// The distinct machines of runs merged from several machines, in order of first
    /// appearance; empty when every run is from the document's `machine`.
    ///
    /// - Complexity: O(runs) expected (machines are hashed).
    public var mergedMachines: [MachineContext] {
        Self.distinct(runs.lazy.compactMap(\.machine))
    }

    /// Every machine the runs were measured on, distinct, in order of first appearance: each
    /// run's own `machine` where it carries one (a document merged from several machines),
    /// else the document's `machine`; `[machine]` for a document without runs.
    ///
    /// - Complexity: O(runs) expected (machines are hashed).
    public var runMachines: [MachineContext] {
        let machines = Self.distinct(runs.lazy.map { $0.machine ?? machine })
        return machines.isEmpty ? [machine] : machines
    }

    /// `machines` without repeats, in order of first appearance.
    ///
    /// - Complexity: O(machines) expected.
    private static func distinct(_ machines: some Sequence<MachineContext>) -> [MachineContext] {
        var distinct: [MachineContext] = []
        var seen: Set<MachineContext> = []
        for machine in machines where seen.insert(machine).inserted { distinct.append(machine) }
        return distinct
    }

    /// Merges `other`'s runs into this document. Runs from a machine that is not
    /// `sameMachine(as:)` this document's are kept apart: then every run carries its
    /// machine (`RunResult.machine`) and the reports show a machine column. A run equal in
    /// every figure to one already here is the same measurement read twice (a copy of a file:
    /// two runs measured apart never agree in their seconds, picks and every latency) and is
    /// left out.
    ///
    /// - Returns: how many of `other`'s runs were left out as repeats.
    /// - Complexity: O(runs of both) expected: runs are matched through a hash of their
    ///   selector, seed, picks and measured seconds, then compared whole.
    @discardableResult
    public mutating func merge(_ other: ResultsDocument) -> Int {
        var incoming = other.runs
        if !machine.sameMachine(as: other.machine) || !mergedMachines.isEmpty {
            for index in runs.indices where runs[index].machine == nil { runs[index].machine = machine }
            for index in incoming.indices where incoming[index].machine == nil { incoming[index].machine = other.machine }
        }
        var earlier: [RepeatKey: [Int]] = [:]
        for index in runs.indices { earlier[RepeatKey(runs[index]), default: []].append(index) }
        var repeats = 0
        for run in incoming {
            if let candidates = earlier[RepeatKey(run)], candidates.contains(where: { runs[$0] == run }) {
                repeats += 1
            } else {
                runs.append(run)
            }
        }
        return repeats
    }
}

/// What two copies of one run share and two measurements almost never do: the hash key under
/// which `ResultsDocument.merge(_:)` looks for a repeat before comparing runs whole.
private struct RepeatKey: Hashable {
    var selector: SelectorKind
    var seed: UInt64
    var picks: Int
    var seconds: UInt64

    init(_ run: RunResult) {
        selector = run.selector
        seed = run.seed
        picks = run.picks
        seconds = run.seconds.bitPattern
    }
}
