import LoadBalancing
import Testing

/// `SelectorKind` is the one registration point: its switch hands each kind's concrete type
/// to a generic body, and `makeSelector` is built on the same switch.
@Suite("SelectorKind: the catalogue")
struct SelectorKindTests {
    /// Names the concrete type the visitor was handed, and builds one selector of it.
    struct TypeName: SelectorVisitor {
        func visit<Selector: ServerSelector>(
            _ makeSelector: @escaping (_ weights: [Int], _ seed: UInt64) throws(SelectorConfigurationError) -> Selector
        ) throws(SelectorConfigurationError) -> (name: String, selector: any ServerSelector) {
            (String(describing: Selector.self), try makeSelector([1, 2, 3], 5))
        }
    }

    @Test("each kind and lock is handed its own concrete type, the one makeSelector builds",
          arguments: SelectorKind.allCases, LockKind.allCases)
    func concreteTypes(kind: SelectorKind, lock: LockKind) throws {
        let visited = try kind.withSelectorType(lock: lock, TypeName())
        let built = try kind.makeSelector(weights: [1, 2, 3], lock: lock, seed: 5)
        #expect(visited.name == String(describing: type(of: built)))
        #expect(visited.selector.weights() == [1, 2, 3])
        if kind.usesLock {
            let wrapper = lock == .combining ? "CombiningSelector<" : "LockedSelector<"
            #expect(visited.name.hasPrefix(wrapper), "\(kind)+\(lock): \(visited.name)")
            if lock != .combining {
                #expect(visited.name.hasSuffix(lock == .mutex ? "BlockingLock>" : "SpinLock>"), "\(kind)+\(lock): \(visited.name)")
            }
        } else {
            #expect(try kind.withSelectorType(lock: .mutex, TypeName()).name == visited.name, "a lock-free kind ignores the lock")
        }
    }

    @Test("no two kinds share a concrete type")
    func distinctTypes() throws {
        let names = try SelectorKind.allCases.map { kind in try kind.withSelectorType(TypeName()).name }
        #expect(Set(names).count == SelectorKind.allCases.count, "\(names)")
    }

    @Test("category: one baseline, exact kinds are the lock-based ones, isExact follows the category")
    func categories() {
        #expect(SelectorKind.allCases.filter { $0.category == .baseline } == [.roundRobin])
        #expect(SelectorKind.allCases.filter { $0.category == .exact } == SelectorKind.allCases.filter(\.usesLock))
        for kind in SelectorKind.allCases {
            #expect(kind.isExact == (kind.category == .exact), "\(kind)")
        }
    }

    @Test("weight classes: distinct positive weights, drained servers in none; only buckets' pick visits each class")
    func weightClasses() {
        #expect(SelectorKind.weightClasses(in: []) == 0)
        #expect(SelectorKind.weightClasses(in: [1, 1, 1]) == 1)
        #expect(SelectorKind.weightClasses(in: [1, 2, 1, 2]) == 2)
        #expect(SelectorKind.weightClasses(in: [2, 0, 2, 0, 3]) == 2)
        #expect(SelectorKind.weightClasses(in: [0, 0]) == 0)
        #expect(SelectorKind.weightClasses(in: Array(1...1_000) + Array(1...1_000)) == 1_000)
        #expect(SelectorKind.allCases.filter(\.pickVisitsEveryWeightClass) == [.buckets])
    }
}
