import Foundation
import LBReporting
import Testing

@Suite("Number formatting")
struct NumberFormatTests {
    @Test("significant digits, plain notation")
    func significant() {
        let cases: [(Double, Int, String)] = [
            (2.613657, 4, "2.614"), (0.000123456, 3, "0.000123"), (5, 9, "5"), (1234567, 3, "1230000"),
            (9.9996, 4, "10"), (0.5, 2, "0.5"), (-3.25, 2, "-3.3"), (1e-3, 1, "0.001"), (0, 3, "0"),
            (100, 2, "100"), (99.95, 3, "100"), (0.0999999, 2, "0.1"), (123.456, 9, "123.456"), (1e20, 3, "1e+20"),
        ]
        for (value, digits, text) in cases {
            #expect(NumberFormat.significant(value, digits: digits) == text, "\(value) to \(digits) digits")
        }
        #expect(NumberFormat.significant(.infinity, digits: 3) == "inf")
        #expect(NumberFormat.significant(4, digits: 4, trimmingZeros: false) == "4.000")
        #expect(NumberFormat.significant(0.0327758, digits: 4, trimmingZeros: false) == "0.03278")
        #expect(NumberFormat.significant(1234567, digits: 3, trimmingZeros: false) == "1230000")
    }

    @Test("fixed decimals: correctly rounded, no negative zero")
    func fixed() {
        #expect(NumberFormat.fixed(0.5, decimals: 2) == "0.50")
        #expect(NumberFormat.fixed(0.905, decimals: 0) == "1")
        #expect(NumberFormat.fixed(12.3456, decimals: 3) == "12.346")
        #expect(NumberFormat.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(-1.5, decimals: 1) == "-1.5")
        #expect(NumberFormat.fixed(-0.0, decimals: 0) == "0")
        #expect(NumberFormat.fixed(1234.5678, decimals: 0) == "1235")
        // 0.125 is exact in binary, a tie: rounded to even, as C's printf does.
        #expect(NumberFormat.fixed(0.125, decimals: 2) == "0.12")
        // 1.005 is 1.00499999999999989… in binary: rounded from the binary value.
        #expect(NumberFormat.fixed(1.005, decimals: 2) == "1.00")
    }

    @Test("grouped thousands, rates, nanoseconds")
    func grouped() {
        #expect(NumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(NumberFormat.grouped(-1_000) == "-1,000")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.rate(12_345_678) == "12.3 M")
        #expect(NumberFormat.rate(1_234_567) == "1.23 M")
        #expect(NumberFormat.rate(845_300) == "845 k")
        #expect(NumberFormat.rate(910.4) == "910")
        #expect(NumberFormat.nanoseconds(UInt64.max) == "9,223,372,036,854,775,807")
    }

    /// Guards `rate`'s thresholds (a mutant that switched to kilo at 1,000 instead of 10,000
    /// survived without it): each unit starts exactly where the documentation says.
    @Test("rates change unit exactly at 10 k, 1 M and 10 M")
    func rateThresholds() {
        #expect(NumberFormat.rate(9_999) == "9999")
        #expect(NumberFormat.rate(10_000) == "10 k")
        #expect(NumberFormat.rate(999_000) == "999 k")
        #expect(NumberFormat.rate(1_000_000) == "1.00 M")
        #expect(NumberFormat.rate(9_990_000) == "9.99 M")
        #expect(NumberFormat.rate(10_000_000) == "10.0 M")
    }

    @Test("durations in the unit they read best in")
    func duration() {
        #expect(NumberFormat.duration(45.2) == "45 s")
        #expect(NumberFormat.duration(119.4) == "120 s")
        #expect(NumberFormat.duration(120) == "2 minutes")
        #expect(NumberFormat.duration(1_620) == "27 minutes")
        #expect(NumberFormat.duration(7_200) == "2 hours")
        #expect(NumberFormat.duration(9_720) == "2.7 hours")
        #expect(NumberFormat.duration(172_800) == "2 days")
        #expect(NumberFormat.duration(3.5e6) == "41 days")
    }
}

@Suite("Scan visit cost")
struct ScanVisitCostTests {
    @Test("the cached cost up to the cached entries, log-linear to the uncached; seconds never overflow")
    func tiers() {
        let cost = ScanVisitCost(cachedNanoseconds: 1.5, cachedEntries: 1_000, uncachedNanoseconds: 4, uncachedEntries: 4_000)
        #expect(cost.nanoseconds(entries: 1) == 1.5)
        #expect(cost.nanoseconds(entries: 1_000) == 1.5)
        #expect(cost.nanoseconds(entries: 1_001) > 1.5)
        #expect(abs(cost.nanoseconds(entries: 2_000) - 2.75) < 1e-12)
        #expect(cost.nanoseconds(entries: 3_999) < 4)
        #expect(cost.nanoseconds(entries: 4_000) == 4)
        #expect(cost.nanoseconds(entries: Int.max) == 4)
        #expect(abs(cost.seconds(visits: 2e9, entries: 10) - 3) < 1e-12)
        #expect(abs(cost.seconds(visits: 2e9, entries: Int.max) - 8) < 1e-12)
        #expect(cost.seconds(visits: Double(Int.max) * Double(Int.max), entries: 1).isFinite)
    }
}

@Suite("Median")
struct MedianTests {
    /// Guards the sort before the middle is taken (a mutant that took the middle of the values
    /// as given survived without it: every list the other tests summarise arrived sorted).
    @Test("the median of values in any order is the middle one of them sorted, or the mean of the two middle ones")
    func unsorted() {
        #expect(Median.of([3, 1, 2]) == 2)
        #expect(Median.of([9, 1, 5, 3]) == 4)
        #expect(Median.of([0.9, 0.5, 0.7, 0.6, 0.8]) == 0.7)
        #expect(Median.of([5]) == 5)
    }
}

@Suite("Markdown tables")
struct MarkdownTableTests {
    @Test("header, alignment row, one line per row")
    func layout() {
        var table = MarkdownTable(["name", "value"], alignments: [.left, .right])
        table.append(["a", "1"])
        table.append(["b", "2"])
        #expect(table.lines == ["| name | value |", "|---|--:|", "| a | 1 |", "| b | 2 |"])
        #expect(MarkdownTable(["x"]).lines == ["| x |", "|---|"])
    }

    @Test("a cell cannot end its cell or its row: pipes, backslashes and line breaks are escaped")
    func escaping() {
        var table = MarkdownTable(["check", "formula"])
        table.append(["E[T | S = x]", "a\\b\nc\r\nd"])
        #expect(table.lines[2] == "| E[T \\| S = x] | a\\\\b<br>c<br>d |")
        #expect(MarkdownTable.escape("\\|") == "\\\\\\|", "an escaped pipe in the text stays text")
        // Every row has as many unescaped pipes as the header.
        let unescapedPipes = { (line: String) in
            var count = 0
            var escaped = false
            for character in line {
                if character == "|" && !escaped { count += 1 }
                escaped = character == "\\" && !escaped
            }
            return count
        }
        #expect(table.lines.allSatisfy { unescapedPipes($0) == 3 && !$0.contains("\n") })
    }
}

@Suite("Report JSON")
struct ReportJSONTests {
    struct Document: Encodable {
        var numbers: [ReportNumber]
        var missing: ReportNullable<Int>
        var present: ReportNullable<Int>
        var text: String
    }

    @Test("sorted keys, 9 significant digits, null for nil and non-finite numbers and absent values")
    func render() throws {
        let document = Document(
            numbers: [ReportNumber(0.1 + 0.2), ReportNumber(2.613657123456), ReportNumber(1e-7), ReportNumber(nil),
                      ReportNumber(.nan), ReportNumber(.infinity), ReportNumber(5)],
            missing: ReportNullable(nil), present: ReportNullable(3), text: "a/\"b\"\n"
        )
        let text = try ReportJSON.render(document)
        #expect(text.hasSuffix("}\n"))
        let compact = text.filter { !$0.isWhitespace }
        #expect(compact.contains("[0.3,2.61365712,0.0000001,null,null,null,5]"), "\(compact)")
        #expect(compact.contains("\"missing\":null"))
        let keys = ["missing", "numbers", "present", "text"].map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(keys == keys.sorted(), "keys sorted")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["text"] as? String == "a/\"b\"\n")
        #expect(parsed["present"] as? Int == 3)
    }
}
