import Foundation
import LBHarness
import Testing

/// `lbbench compare` and `lbbench report` on files in a temporary directory: exit codes,
/// gzip input, mixed machines.
@Suite("Command line: compare and report")
struct CompareCommandTests {
    /// Writes `document` as JSON (gzipped when `gzip`) into a fresh temporary directory.
    static func write(_ document: ResultsDocument, name: String, gzip: Bool = false, in directory: URL) throws -> String {
        let json = Data(try JSONReport.render(document).utf8)
        let url = directory.appendingPathComponent(name)
        try (gzip ? MadeUpResults.gzipStored(json) : json).write(to: url)
        return url.path
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("compare exits 0 without a regression, 1 with one past --fail-on-regression, and reads .json.gz")
    func exitCodes() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = try Self.write(MadeUpResults.document([MadeUpResults.run(.p2c)]), name: "base.json.gz", gzip: true,
                                  in: directory)
        let slower = try Self.write(MadeUpResults.document([MadeUpResults.run(.p2c, picksPerSecond: 600_000)]),
                                    name: "new.json", in: directory)
        let same = try CommandLineTests.lbbench(["compare", base, base, "--fail-on-regression", "5"])
        #expect(same.status == 0 && same.standardOutput.contains("1 cells on both sides, 0 moved"))
        let regressed = try CommandLineTests.lbbench(["compare", "--base", base, "--new", slower, "--fail-on-regression", "30"])
        #expect(regressed.status == 1 && regressed.standardOutput.contains("**REGRESSION**"))
        let tolerated = try CommandLineTests.lbbench(["compare", base, slower, "--fail-on-regression", "50"])
        #expect(tolerated.status == 0)
    }

    @Test("compare: bad input exits 64 with a reason", arguments: [
        (["compare", "only-one.json"], "give exactly two files"),
        (["compare", "a.json", "b.json", "--base", "c.json"], "give exactly two files"),
        (["compare", "--base", "a.json"], "name the base and the new results"),
        (["compare", "a.json", "b.json", "--noise", "5000"], "--noise 5000.0 is out of range"),
        (["compare", "a.json", "b.json", "--fail-on-regression=-1"], "--fail-on-regression -1.0 is out of range"),
        (["compare", "/nonexistent/a.json", "/nonexistent/b.json"], "cannot read '/nonexistent/a.json': No such file or directory"),
    ])
    func badInput(arguments: [String], reason: String) throws {
        let outcome = try CommandLineTests.lbbench(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains(reason), "\(outcome.standardError)")
    }

    @Test("compare refuses a directory (not a regular file) with exit 64")
    func notRegularFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try CommandLineTests.lbbench(["compare", directory.path, directory.path])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("\(directory.path) is not a regular file"))
    }

    @Test("report reads .json.gz; another machine needs --allow-mixed-machines and gets a machine column")
    func reportMixedMachines() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let here = try Self.write(MadeUpResults.document([MadeUpResults.run(.p2c)]), name: "a.json.gz", gzip: true,
                                  in: directory)
        let otherKernel = try Self.write(
            MadeUpResults.document([MadeUpResults.run(.sharded)], machine: MadeUpResults.machine(kernel: "6.18")),
            name: "b.json", in: directory)
        let elsewhere = try Self.write(
            MadeUpResults.document([MadeUpResults.run(.sharded)], machine: MadeUpResults.machine(cores: 16)),
            name: "c.json", in: directory)
        let sameMachine = try CommandLineTests.lbbench(["report", here, otherKernel])
        #expect(sameMachine.status == 0 && sameMachine.standardOutput.contains("| p2c |"))
        let refused = try CommandLineTests.lbbench(["report", here, elsewhere])
        #expect(refused.status == 64 && refused.standardError.contains("--allow-mixed-machines"))
        let mixed = try CommandLineTests.lbbench(["report", here, elsewhere, "--allow-mixed-machines"])
        #expect(mixed.status == 0 && mixed.standardOutput.contains("| machine | selector |"))
    }
}
