import Foundation

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
    /// - Complexity: O(runs × machines).
    public var mergedMachines: [MachineContext] {
        var machines: [MachineContext] = []
        for run in runs {
            if let machine = run.machine, !machines.contains(machine) { machines.append(machine) }
        }
        return machines
    }

    /// Merges `other`'s runs into this document. Runs from a machine that is not
    /// `sameMachine(as:)` this document's are kept apart: then every run carries its
    /// machine (`RunResult.machine`) and the reports show a machine column.
    ///
    /// - Complexity: O(runs of both).
    public mutating func merge(_ other: ResultsDocument) {
        var incoming = other.runs
        if !machine.sameMachine(as: other.machine) || !mergedMachines.isEmpty {
            for index in runs.indices where runs[index].machine == nil { runs[index].machine = machine }
            for index in incoming.indices where incoming[index].machine == nil { incoming[index].machine = other.machine }
        }
        runs += incoming
    }
}
