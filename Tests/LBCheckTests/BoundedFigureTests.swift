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
}
