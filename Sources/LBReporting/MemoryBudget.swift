import Foundation

/// The most memory a command may plan to use at its peak. Commands estimate their peak from
/// their options before any work starts (`lbbench run`: servers, threads, connections, cells;
/// `simulate`: servers × balancers; `report`: file sizes) and refuse, with exit 64, what would
/// exceed it, instead of being killed by the machine halfway through.
///
/// The default is 4 GiB or half the physical memory, whichever is smaller: every default
/// matrix and published run fits in a few hundred MiB, and half the machine leaves room for
/// the rest of it. `--memory-budget` raises or lowers it, up to the physical memory.
///
/// Public, unlike the rest of LBReporting, because the `LBHarness` product's API takes one
/// (`MatrixConfiguration.checkMemory`) and its errors carry one (`RunConfigurationError`).
///
/// - Note: A value; thread-safe.
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    /// The budget in bytes (`Int.max` for a spelling beyond it).
    public var bytes: Int
    /// The text it was parsed from, if any: what a refusal quotes.
    public var argument: String?

    public init(bytes: Int) { self.bytes = bytes }

    /// The smallest budget accepted: below it not even the process's own code and buffers fit.
    public static let minimumBytes = 64 << 20

    /// The machine's physical memory in bytes.
    public static var physicalBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// 4 GiB or half the physical memory, whichever is smaller.
    public static var standard: MemoryBudget { MemoryBudget(bytes: min(4 << 30, physicalBytes / 2)) }

    /// Parses `--memory-budget`: a whole number with a unit, `512MiB`, `8GiB`, `1TiB` (or `M`,
    /// `G`, `T`, `K`, `KiB`, `B`, any case), or a bare number of MiB. `nil` for anything else.
    public init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let amount = Int(digits) else { return nil }
        let shift: Int
        switch text.dropFirst(digits.count).lowercased() {
        case "", "m", "mib", "mb": shift = 20
        case "g", "gib", "gb": shift = 30
        case "t", "tib", "tb": shift = 40
        case "k", "kib", "kb": shift = 10
        case "b": shift = 0
        default: return nil
        }
        let (bytes, overflow) = amount.multipliedReportingOverflow(by: 1 << shift)
        self.bytes = overflow ? .max : bytes
        self.argument = argument
    }

    /// Why a budget is not one the program can honour (below `minimumBytes` or above the
    /// physical memory), or `nil` when it is.
    public var problem: String? {
        guard bytes < Self.minimumBytes || bytes > Self.physicalBytes else { return nil }
        return "--memory-budget \(argument ?? description) is out of range: must be in "
            + "\(Self.format(Self.minimumBytes))...\(Self.format(Self.physicalBytes)) (at most the physical memory)"
    }

    /// Throws when `estimate` bytes exceed the budget.
    ///
    /// - Parameter what: what needs the memory, for the message ("the run", "report's input").
    public func check(estimate: Int, what: String, detail: String) throws(Excess) {
        if estimate > bytes { throw Excess(estimate: estimate, budget: bytes, what: what, detail: detail) }
    }

    public var description: String { Self.format(bytes) }

    /// Budgets are equal when their bytes are, however they were spelled.
    public static func == (a: MemoryBudget, b: MemoryBudget) -> Bool { a.bytes == b.bytes }

    /// `bytes` in binary units with three significant digits: "4 GiB", "31.9 GiB", "512 MiB".
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let text = value >= 100 || value == value.rounded() ? String(Int(value.rounded()))
            : NumberFormat.fixed(value, decimals: value >= 10 ? 1 : 2)
        return "\(text) \(units[unit])"
    }

    /// A planned peak over the budget: one line with the estimate, the budget and the way out.
    public struct Excess: Error, Sendable, Equatable, CustomStringConvertible {
        public var estimate: Int
        public var budget: Int
        public var what: String
        /// How the estimate was made ("16,777,216 servers × 128 threads × 8 B + ...").
        public var detail: String

        public var description: String {
            "\(what) would need about \(MemoryBudget.format(estimate)) at its peak (\(detail)), over the memory "
                + "budget of \(MemoryBudget.format(budget)); raise it with --memory-budget (at most the physical "
                + "memory, \(MemoryBudget.format(MemoryBudget.physicalBytes))) or ask for less"
        }
    }
}
