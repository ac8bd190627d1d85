@testable import LBHarness
import LBRandom
import LoadBalancing
import Testing

@Suite("In-flight connections heap")
struct InFlightConnectionsTests {
    /// Differential against a sorted array, seeded, with the event loop's operations.
    @Test("always yields the earliest finish", arguments: 0..<50)
    func matchesSortedModel(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let size = Int(random.next() % 64) + 1
        var heap = InFlightConnections(capacity: size)
        var model: [Double] = []
        for server in 0..<size {
            let finish = Double(random.next() % 100)
            heap.insert(.init(finish: finish, server: ServerID(server)))
            model.append(finish)
        }
        for _ in 0..<500 {
            model.sort()
            #expect(heap.earliest.finish == model[0])
            let finish = heap.earliest.finish + Double(random.next() % 50)
            heap.replaceEarliest(with: .init(finish: finish, server: ServerID(0)))
            model[0] = finish
        }
        model.sort()
        var drained: [Double] = []
        while let connection = heap.removeEarliest() { drained.append(connection.finish) }
        #expect(drained == model)
        #expect(heap.isEmpty)
    }

    @Test("servers lists every connection held")
    func servers() {
        var heap = InFlightConnections(capacity: 3)
        for (index, finish) in [3.0, 1, 2].enumerated() { heap.insert(.init(finish: finish, server: ServerID(index))) }
        #expect(heap.servers.sorted() == [ServerID(0), ServerID(1), ServerID(2)])
        #expect(heap.earliest.server == ServerID(1))
    }
}
