import Foundation
import LBSimulation
import Testing

/// The closed forms, checked against values derived by hand.
@Suite("Queueing theory formulas")
struct QueueingTheoryTests {
    @Test("M/M/1 and Pollaczek–Khinchine")
    func singleServer() {
        #expect(abs(QueueingTheory.mm1MeanResponse(utilization: 0.8) - 5) < 1e-12)
        #expect(abs(QueueingTheory.mm1MeanResponse(utilization: 0.5, serviceRate: 2) - 1) < 1e-12)
        // M/D/1: 1 + ρ/(2(1 − ρ)) = 3 at ρ = 0.8; exponential sizes (E[S²] = 2) give M/M/1 back.
        #expect(abs(QueueingTheory.mg1MeanResponse(utilization: 0.8, sizeSecondMoment: 1) - 3) < 1e-12)
        #expect(abs(QueueingTheory.mg1MeanResponse(utilization: 0.8, sizeSecondMoment: 2) - 5) < 1e-12)
        #expect(abs(QueueingTheory.mg1ProcessorSharingMeanResponse(utilization: 0.75) - 4) < 1e-12)
    }

    @Test("random routing: equal servers are M/M/1 at λ/n; weighted ones n/(W(1 − ρ))")
    func randomRouting() {
        #expect(abs(QueueingTheory.randomRoutingMeanResponse(utilization: 0.8, weights: [1, 1, 1, 1]) - 5) < 1e-12)
        #expect(abs(QueueingTheory.randomRoutingMeanResponse(utilization: 0.8, weights: [1, 2, 3, 4]) - 2) < 1e-12)
    }

    @Test("E_n/M/1: one server is M/M/1, two at ρ = ½ give the golden ratio")
    func erlangRoundRobin() {
        #expect(abs(QueueingTheory.erlangRoundRobinSigma(servers: 1, utilization: 0.7) - 0.7) < 1e-12)
        // σ(2 − σ)² = 1 has the root (3 − √5)/2 in (0, 1), so T = 1/(1 − σ) = (1 + √5)/2.
        #expect(abs(QueueingTheory.roundRobinMeanResponse(servers: 2, utilization: 0.5) - (1 + 5.0.squareRoot()) / 2) < 1e-12)
        for servers in [3, 4, 10, 50] {
            let sigma = QueueingTheory.erlangRoundRobinSigma(servers: servers, utilization: 0.8)
            let load = Double(servers) * 0.8
            #expect(sigma > 0 && sigma < 0.8, "round robin smooths arrivals: σ below ρ")
            #expect(abs(sigma - pow(load / (load + 1 - sigma), Double(servers))) < 1e-12)
        }
        // More servers, smoother arrivals, shorter waits: E_n/M/1 tends to D/M/1.
        #expect(QueueingTheory.roundRobinMeanResponse(servers: 10, utilization: 0.8)
            < QueueingTheory.roundRobinMeanResponse(servers: 4, utilization: 0.8))
    }

    @Test("supermarket model: the sums written out")
    func supermarket() {
        let two = 1 + pow(0.9, 2.0) + pow(0.9, 6.0) + pow(0.9, 14.0) + pow(0.9, 30.0) + pow(0.9, 62.0) + pow(0.9, 126.0) + pow(0.9, 254.0)
        #expect(abs(QueueingTheory.supermarketMeanResponse(choices: 2, arrivalRate: 0.9) - two) < 1e-12)
        #expect(abs(two - 2.6140574) < 1e-7)
        // d = 3: exponents (3ⁱ − 3)/2 = 0, 3, 12, 39, 120, …
        let three = 1 + pow(0.9, 3.0) + pow(0.9, 12.0) + pow(0.9, 39.0) + pow(0.9, 120.0) + pow(0.9, 363.0)
        #expect(abs(QueueingTheory.supermarketMeanResponse(choices: 3, arrivalRate: 0.9) - three) < 1e-12)
        #expect(QueueingTheory.supermarketMeanResponse(choices: 2, arrivalRate: 0.9) < QueueingTheory.mm1MeanResponse(utilization: 0.9))
    }
}
