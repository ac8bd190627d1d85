import Foundation
import LBHarness
import LBReporting
import Testing

@Suite("Decoding cost: a dense results file is refused before it is decoded")
struct JSONDecodingCostTests {
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
        let padding = #""padding": ["# + Array(repeating: "1", count: 2_000_000).joined(separator: ",") + "], "
        #expect(plain.hasPrefix("{"))
        let dense = "{" + padding + plain.dropFirst()
        let densePath = directory.appendingPathComponent("dense.json").path
        let plainPath = directory.appendingPathComponent("plain.json").path
        try Data(dense.utf8).write(to: URL(fileURLWithPath: densePath))
        try Data(plain.utf8).write(to: URL(fileURLWithPath: plainPath))
        let budget = MemoryBudget(bytes: 64 << 20)
        let inputs = try ResultsInputs([plainPath, densePath], budget: budget)
        #expect(try inputs.document(at: inputs.files[0]).runs.count == 1)
        do {
            _ = try inputs.document(at: inputs.files[1])
            Issue.record("a 100 MB decoding was accepted under a 64 MiB budget")
        } catch {
            guard case let .overBudget(excess) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(excess.what == "decoding \(densePath)" && excess.budget == 64 << 20)
            #expect(excess.description.contains("2,000,1") && excess.description.contains("JSON values × 48 B"))
            #expect(excess.estimate > 2_000_000 * JSONDecodingCost.bytesPerToken)
        }
    }
}
