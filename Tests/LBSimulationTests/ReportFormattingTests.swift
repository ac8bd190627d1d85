import Foundation
import LBSimulation
import Testing

@Suite("Report formatting")
struct ReportFormattingTests {
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

    @Test("fixed decimals")
    func fixed() {
        #expect(NumberFormat.fixed(0.5, decimals: 2) == "0.50")
        #expect(NumberFormat.fixed(0.905, decimals: 0) == "1")
        #expect(NumberFormat.fixed(12.3456, decimals: 3) == "12.346")
        #expect(NumberFormat.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(-1.5, decimals: 1) == "-1.5")
    }

    @Test("JSON: sorted keys, escaped strings, numbers from NumberFormat, null for non-finite")
    func json() {
        let document = JSONValue.object([
            "b": .array([.int(1), .number(0.5), .null]),
            "a": .string("x\"y\n"),
            "c": .object(["z": .bool(true), "y": .number(.nan), "x": .unsigned(UInt64.max)]),
            "d": .array([.object([:])]),
        ])
        let expected = """
            {
              "a": "x\\"y\\n",
              "b": [1, 0.5, null],
              "c": {
                "x": 18446744073709551615,
                "y": null,
                "z": true
              },
              "d": [
                {}
              ]
            }
            """
        #expect(document.rendered() == expected)
        let parsed = try? JSONSerialization.jsonObject(with: Data(document.rendered().utf8))
        #expect(parsed != nil, "valid JSON")
    }
}
