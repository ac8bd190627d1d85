import LBReporting
import Testing

@Suite("CSV fields")
struct CSVFieldTests {
    @Test("text is quoted only when it holds a comma, a double quote or a line break")
    func text() {
        #expect(CSVField.text("linear-scan") == "linear-scan")
        #expect(CSVField.text("ρ = 0.8; mixed") == "ρ = 0.8; mixed")
        #expect(CSVField.text("a, b") == "\"a, b\"")
        #expect(CSVField.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.text("two\nlines") == "\"two\nlines\"")
        #expect(CSVField.text("") == "")
    }

    @Test("numbers to the JSON's digits; none, NaN and infinities empty, as the JSON's null")
    func numbers() {
        #expect(CSVField.number(0.1 + 0.2) == "0.3")
        #expect(CSVField.number(1.0 / 3) == "0.333333333")
        #expect(CSVField.number(-2) == "-2")
        #expect(CSVField.number(nil) == "")
        #expect(CSVField.number(.nan) == "")
        #expect(CSVField.number(-.infinity) == "")
    }

    @Test("lists joined with semicolons; comments on one line")
    func listsAndComments() {
        #expect(CSVField.list(["1", "2", "3"]) == "1;2;3")
        #expect(CSVField.list([]) == "")
        #expect(CSVField.comment("a\nb\r\nc") == "# a b c")
    }
}
