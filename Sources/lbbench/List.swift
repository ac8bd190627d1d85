import ArgumentParser
import LBWorkloads
import LoadBalancing

/// `lbbench list`: every selector, workload and lock, one line each.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the selectors, workloads and locks, one line each.")

    func run() {
        print("Selectors:")
        let width = SelectorKind.allCases.map(\.rawValue.count).max() ?? 0
        for kind in SelectorKind.allCases {
            print("  \(padded(kind.rawValue, to: width))  [\(kind.category)] \(kind.summary)")
        }
        print("Workloads:")
        for workload in Workload.allCases {
            print("  \(padded(workload.rawValue, to: width))  \(workload.summary)")
        }
        print("Locks (--locks, for lock-based selectors):")
        for lock in LockKind.allCases {
            print("  \(padded(lock.rawValue, to: width))  \(lock.summary)")
        }
    }
}

/// `text` followed by spaces up to `width` characters.
func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}
