import Foundation
import Testing

/// How many seeds the differential tests run: their usual count times
/// `LBBENCH_DIFFERENTIAL_SEEDS` (an integer in 1...10,000; 1 when unset), for a deeper search
/// by hand than CI's: `LBBENCH_DIFFERENTIAL_SEEDS=25 swift test --filter
/// 'Differential|AssignTests/differential'` (28 minutes on 2 cores). A value outside the range
/// is recorded as a test issue, and the usual count runs.
enum DifferentialSeeds {
    /// The environment variable that scales the seed counts.
    static let variable = "LBBENCH_DIFFERENTIAL_SEEDS"

    /// The bound the scale is checked against.
    static let allowedScales = 1...10_000

    /// `0 ..< usualCount × scale`.
    ///
    /// - Complexity: O(1).
    static func seeds(usually usualCount: UInt64) -> Range<UInt64> {
        UInt64(0) ..< usualCount * UInt64(scale)
    }

    /// The scale read from the environment, once per call; 1 when unset or invalid.
    static var scale: Int {
        guard let text = ProcessInfo.processInfo.environment[variable] else { return 1 }
        guard let value = Int(text), allowedScales.contains(value) else {
            Issue.record("\(variable)=\(text): expected an integer in \(allowedScales.lowerBound)...\(allowedScales.upperBound)")
            return 1
        }
        return value
    }
}
