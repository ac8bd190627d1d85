import Foundation
import LBHarness
import LBReporting
import Testing

@Suite("Decoding cost: a dense results file is refused before it is decoded")
struct JSONDecodingCostTests {
    /// A results document of one run with `values` ones under an unknown key ahead of it.
    /// Reads the first of `paths` under a 64 MiB budget, then expects the second refused as over
    /// it: its excess, or `nil` after recording `accepted` or another error as an issue.
    static func secondRefused(_ paths: [String], _ accepted: Comment) throws -> MemoryBudget.Excess? {
        var inputs = try ResultsInputs(paths, budget: MemoryBudget(bytes: 64 << 20))
        #expect(try inputs.document(at: inputs.files[0]).runs.count == 1)
        do {
            _ = try inputs.document(at: inputs.files[1])
            Issue.record(accepted)
        } catch {
            guard case let .overBudget(excess) = error else {
                Issue.record("unexpected error \(error)")
                return nil
            }
            return excess
        }
        return nil
    }

    static func padded(_ values: Int) throws -> String {
        let plain = try JSONReport.render(MadeUpResults.document([MadeUpResults.run(.p2c)]))
        #expect(plain.hasPrefix("{"))
        return "{" + #""padding": ["# + Array(repeating: "1", count: values).joined(separator: ",") + "], " + plain.dropFirst()
    }

    @Test("structural tokens are counted outside strings only, escaped quotes included")
    func tokens() {
        #expect(JSONDecodingCost.structuralTokens(in: Data("1".utf8)) == 1)
        #expect(JSONDecodingCost.structuralTokens(in: Data("[1,2,3]".utf8)) == 4)
        #expect(JSONDecodingCost.structuralTokens(in: Data(#"{"a":[],"b":{}}"#.utf8)) == 7)
        // Inside strings, `,` `:` `[` `{` and an escaped quote count for nothing.
        #expect(JSONDecodingCost.structuralTokens(in: Data(#"["a,b:[{", "\",[", "\\"]"#.utf8)) == 4)
        let dense = Data(("[" + Array(repeating: "1", count: 1_000).joined(separator: ",") + "]").utf8)
        let cost = JSONDecodingCost.peakBytes(of: dense)
        #expect(cost.tokens == 1_001)  // 999 commas, the bracket, the array itself
        #expect(cost.bytes == 1_001 * JSONDecodingCost.bytesPerToken + 2 * dense.count)
    }

    @Test("a results file packed with values is refused by its decoding cost, one that is not is read")
    func denseFileRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-decoding-cost-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2 million ones under an unknown key: 4 MB of text, about 100 MB to decode; 64 MiB allows
        // the text (6 × 4 MB = 24 MB) but not the decoding.
        let plain = try JSONReport.render(MadeUpResults.document([MadeUpResults.run(.p2c)]))
        let dense = try Self.padded(2_000_000)
        let densePath = directory.appendingPathComponent("dense.json").path
        let plainPath = directory.appendingPathComponent("plain.json").path
        try Data(dense.utf8).write(to: URL(fileURLWithPath: densePath))
        try Data(plain.utf8).write(to: URL(fileURLWithPath: plainPath))
        if let excess = try Self.secondRefused([plainPath, densePath], "a 100 MB decoding was accepted under a 64 MiB budget") {
            #expect(excess.what == "decoding \(densePath)" && excess.budget == 64 << 20)
            #expect(excess.description.contains("2,000,1") && excess.description.contains("JSON values × 48 B"))
            #expect(excess.estimate > 2_000_000 * JSONDecodingCost.bytesPerToken)
        }
    }

    @Test("a document already read is counted while the next is decoded, though its gzip file was small")
    func heldDocumentsCounted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbbench-held-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 1.2 million values each: 2.4 MB of text, which gzip packs into kilobytes. Decoding one
        // costs about 62 MB (under 64 MiB); the first one read holds 1.2 M × 16 B = 19 MB more.
        let text = try Self.padded(1_200_000)
        var paths: [String] = []
        for name in ["a", "b"] {
            let path = directory.appendingPathComponent("\(name).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gzip.arguments = ["gzip", "-9", path]
            try gzip.run()
            gzip.waitUntilExit()
            try #require(gzip.terminationStatus == 0)
            paths.append(path + ".gz")
        }
        #expect(try paths.allSatisfy { ((try FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.intValue ?? .max) < 1 << 20 })
        if let excess = try Self.secondRefused(paths, "the second document was decoded as if the first held nothing") {
            #expect(excess.estimate > 1_200_000 * (JSONDecodingCost.bytesPerToken + ResultsInputs.heldBytesPerValue))
            #expect(excess.description.contains("held by those read"), "\(excess.description)")
        }
        // Alone, each fits.
        var alone = try ResultsInputs([paths[1]], budget: MemoryBudget(bytes: 64 << 20))
        #expect(try alone.document(at: alone.files[0]).runs.count == 1)
    }
}
