import Foundation
import LBHarness
import LBWorkloads
import LoadBalancing

/// Results documents written by hand, for the tests of compare, findings and file reading:
/// every figure the tests look at is an argument, the rest plausible constants.
enum MadeUpResults {
    static func machine(cpu: String = "Test CPU", cores: Int = 2, kernel: String = "6.1.0", build: String = "release")
        -> MachineContext
    {
        MachineContext(
            cpu: cpu, cores: cores, os: "Debian GNU/Linux 12 (bookworm), Linux \(kernel)", swift: "6.3", build: build,
            date: "2026-11-29T00:00:00Z", timerOverheadNs: 20)
    }

    static func run(
        _ selector: SelectorKind, lock: LockKind? = nil, workload: Workload = .uniform, servers: Int = 8, threads: Int = 1,
        concurrency: Int = 32, picksPerSecond: Double = 1_000_000, pickP50: UInt64 = 50, pickP99: UInt64 = 100,
        jainLoad: Double = 0.99, lockWaitNsPerPick: Double? = nil, casRetriesPerPick: Double? = nil,
        leaked: Int = 0, cpuParallelism: Double? = nil
    ) -> RunResult {
        let latency = LatencySummary(p50: pickP50, p90: pickP99, p99: pickP99, p999: pickP99, max: pickP99, mean: Double(pickP50))
        return RunResult(
            selector: selector, lock: lock, workload: workload, servers: servers, threads: threads,
            concurrency: concurrency, weights: Array(repeating: 1, count: servers), seed: 1, picks: 100_000,
            seconds: 100_000 / picksPerSecond, picksPerSecond: picksPerSecond, scalingVsOneThread: nil,
            pickLatencyNs: latency, releaseLatencyNs: latency,
            contention: ContentionFigures(
                lockContendedFraction: lockWaitNsPerPick.map { _ in 0.1 }, lockWaitNsPerPick: lockWaitNsPerPick,
                casRetriesPerPick: casRetriesPerPick),
            fairness: FairnessFigures(jainAssignments: 1, jainLoad: jainLoad, peakToMeanLoad: 1.1),
            perServer: PerServerFigures(picks: Array(repeating: 100_000 / servers, count: servers),
                                        meanActive: Array(repeating: 4, count: servers)),
            leakedConnections: leaked, unservedPicks: 0, workersOverlapped: threads,
            cpuParallelism: cpuParallelism ?? Double(threads), loadSamples: 100, loadSampleInterval: 256)
    }

    static func document(_ runs: [RunResult], machine: MachineContext = machine()) -> ResultsDocument {
        ResultsDocument(machine: machine, length: "100,000 picks per cell", runs: runs)
    }

    /// `data` as a gzip member of stored (uncompressed) deflate blocks: valid gzip that any
    /// decoder must accept, built without a compressor (RFC 1952 and RFC 1951 §3.2.4).
    static func gzipStored(_ data: Data) -> Data {
        var out = Data([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let final: UInt8 = offset + length == bytes.count ? 1 : 0
            out.append(final)
            out.append(contentsOf: littleEndian(UInt16(length)))
            out.append(contentsOf: littleEndian(~UInt16(length)))
            out.append(contentsOf: bytes[offset..<offset + length])
            offset += length
        } while offset < bytes.count
        out.append(contentsOf: littleEndian(crc32(bytes)))
        out.append(contentsOf: littleEndian(UInt32(truncatingIfNeeded: bytes.count)))
        return out
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit: slow and obviously right.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
