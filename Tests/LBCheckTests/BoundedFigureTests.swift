@testable import LBCheck
import Testing

@Suite("A claim's figure beside its bound")
struct BoundedFigureTests {
    @Test("decimals are added until the printed figure is on the figure's side of the bound")
    func sides() {
        #expect(BoundedFigure.fixed(0.9896, decimals: 3, against: 0.99) == "0.9896")
        #expect(BoundedFigure.fixed(0.9912, decimals: 3, against: 0.99) == "0.991")
        #expect(BoundedFigure.fixed(2.004, decimals: 2, against: 2) == "2.004")
        #expect(BoundedFigure.fixed(1.996, decimals: 2, against: 2) == "1.996")
        #expect(BoundedFigure.fixed(2, decimals: 2, against: 2) == "2.00")
        #expect(BoundedFigure.fixed(1.5, decimals: 2, against: 2) == "1.50")
        // At most six decimals.
        #expect(BoundedFigure.fixed(2.000_000_01, decimals: 2, against: 2) == "2.000000")
    }

    @Test("a figure just below a decimal tie is judged as it prints, not as a rounded product")
    func belowATie() {
        // 2.005 is 2.00499… in binary, and 2.005 × 100 is 200.5 exactly: "%.2f" prints 2.00.
        #expect(BoundedFigure.fixed(2.005, decimals: 2, against: 2) == "2.005")
        #expect(BoundedFigure.fixed(1.105, decimals: 2, against: 1.1) == "1.105")
    }

    @Test("figures printed together keep their order, and a sign and relation state it")
    func together() {
        #expect(BoundedFigure.fixed([0.8, 0.79, 1], decimals: 3) == ["0.800", "0.790", "1.000"])
        #expect(BoundedFigure.fixed([0.8004, 0.8002, 1], decimals: 3) == ["0.8004", "0.8002", "1.0000"])
        #expect(BoundedFigure.fixed([0.5, 0.5], decimals: 2) == ["0.50", "0.50"])
        #expect(BoundedFigure.relation(0.8, 0.79) == ">" && BoundedFigure.relation(0.5, 0.5) == "=")
        #expect(BoundedFigure.signed(0.05, decimals: 3, against: 0.05) == "+0.050")
        #expect(BoundedFigure.signed(-0.05, decimals: 3, against: 0.05) == "-0.050")
        #expect(BoundedFigure.signed(-0.0001, decimals: 3, against: 0.05) == "-0.000")
    }

    /// A mutant that printed a signed zero as negative survived the test above, which signed
    /// only figures away from zero.
    @Test("a zero difference prints with a plus sign")
    func signedZero() {
        #expect(BoundedFigure.signed(0, decimals: 3, against: 0.05) == "+0.000")
        #expect(BoundedFigure.signed(0, decimals: 3, against: -0.01) == "+0.000")
    }
}
