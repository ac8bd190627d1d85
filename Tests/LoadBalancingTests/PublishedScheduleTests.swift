import LBRandom
import Testing

@testable import LoadBalancing

@Suite("round-robin's published schedule")
struct PublishedScheduleTests {
    @Test("the remainder by the period's reciprocal is ticket % period, below 2³² and beyond")
    func remainderMatchesDivision() {
        var random = SplitMix64(seed: 43)
        let periods = [1, 2, 3, 7, 8, 10, 1_000, 65_537, 1 << 31, Int(UInt32.max) - 1, Int(UInt32.max), 1 << 32, 1 << 40]
        let tickets: [UInt] = [0, 1, 2, 31, 32, UInt(UInt32.max) - 1, UInt(UInt32.max), 1 << 32, (1 << 32) + 5, UInt.max]
        for period in periods + (0..<200).map({ _ in Int.random(in: 1...Int(UInt32.max), using: &random) }) {
            let reciprocal = PublishedSchedule.reciprocal(of: period)
            for ticket in tickets + (0..<200).map({ _ in UInt(random.next() >> (random.next() % 64)) }) {
                let remainder = PublishedSchedule.remainder(ticket, period, reciprocal)
                #expect(remainder == Int(ticket % UInt(period)), "ticket \(ticket) period \(period)")
            }
        }
    }

    @Test("a reciprocal of another period (a torn read) still gives an index below the period")
    func tornReciprocalStaysInBounds() {
        var random = SplitMix64(seed: 47)
        for _ in 0..<10_000 {
            let period = Int.random(in: 1...1_000, using: &random)
            let other = PublishedSchedule.reciprocal(of: Int.random(in: 1...1_000, using: &random))
            let ticket = UInt(random.next() >> 32)
            #expect((0..<period).contains(PublishedSchedule.remainder(ticket, period, other)))
        }
    }

    @Test("entries follow the ticket around the period, after republishing too")
    func entriesFollowTickets() {
        let schedule = PublishedSchedule([0, 1, 1, 2])
        #expect((UInt(0)..<9).map { schedule.entry(at: $0) } == [0, 1, 1, 2, 0, 1, 1, 2, 0])
        schedule.publish([2, 0, 1])
        #expect((UInt(0)..<7).map { schedule.entry(at: $0) } == [2, 0, 1, 2, 0, 1, 2])
        schedule.publish([])
        #expect(schedule.entry(at: 5) == nil)
    }
}
