#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import LBSimulation
import Testing

/// `StudentT` and the batch-means intervals built on it are documented thread-safe: several
/// threads compute them at once here, which ThreadSanitizer checks (scripts/test.sh runs this
/// suite under `--sanitize=thread`; its `lgamma` interceptor reports the C library's global
/// `signgam`, which `lgamma` writes and `lgamma_r` does not).
@Suite("Statistics from several threads at once")
struct StatisticsConcurrencyTests {
    static let quantiles: [(p: Double, degreesOfFreedom: Int)] = [
        (0.975, 1), (0.975, 29), (0.995, 10), (0.95, 5), (0.975, 1_000), (0.999_8, 29), (0.6, 3),
    ]

    @Test("Student t does not write the C library's global signgam")
    func leavesSigngamAlone() {
        // lgamma of a positive argument sets signgam to 1; lgamma_r leaves it as it was. The
        // global is reached through the dynamic linker, as Swift 6 refuses to name it.
        let signgam = dlsym(dlopen(nil, RTLD_NOW), "signgam")!.assumingMemoryBound(to: Int32.self)
        signgam.pointee = -7
        _ = StudentT.quantile(0.975, degreesOfFreedom: 29)
        #expect(signgam.pointee == -7, "StudentT wrote signgam (it calls lgamma, not lgamma_r)")
    }

    @Test("quantiles and intervals computed on 8 threads at once equal the serial ones")
    func concurrentQuantiles() {
        let serial = Self.quantiles.map { StudentT.quantile($0.p, degreesOfFreedom: $0.degreesOfFreedom) }
        let summary = BatchSummary(means: (0..<30).map { Double($0 % 7) + 0.25 * Double($0) })
        let serialHalfWidth = summary.halfWidth(confidence: 0.95)
        let threads = 8
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0..<20 {
                let index = (thread + round) % Self.quantiles.count
                let row = Self.quantiles[index]
                if StudentT.quantile(row.p, degreesOfFreedom: row.degreesOfFreedom) != serial[index] {
                    mismatches.add("t(\(row.p), \(row.degreesOfFreedom)) on thread \(thread)")
                }
                if summary.halfWidth(confidence: 0.95) != serialHalfWidth {
                    mismatches.add("half-width on thread \(thread)")
                }
            }
        }
        #expect(mismatches.all.isEmpty, "\(mismatches.all)")
    }
}

/// Descriptions of results that differed, collected from several threads.
private final class Mismatches: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
