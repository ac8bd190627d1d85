@testable import LBLive
import LoadBalancing
import Testing

/// The backends' capacity models against their formulas, in model time (no sockets, no clocks).
@Suite("Capacity models: processor sharing and FCFS slots")
struct CapacityModelTests {
    /// Runs the model to completion with no further arrivals, returning each job's completion time.
    private func drain(_ model: inout some CapacityModel) -> [UInt64: Double] {
        var times: [UInt64: Double] = [:]
        while let next = model.nextCompletion() {
            let done = model.takeCompleted(at: next)
            #expect(!done.isEmpty, "nextCompletion() must name a time at which something completes")
            if done.isEmpty { break }
            for job in done { times[job] = next }
        }
        #expect(model.inFlight == 0)
        return times
    }

    @Test("PS: one request of size w at speed s takes w / s", arguments: [1.0, 2.0, 3.0])
    func processorSharingSingle(speed: Double) {
        var model = ProcessorSharingCapacity(speed: speed)
        model.admit(0, work: 0.6, at: 10)
        let times = drain(&model)
        #expect(abs(times[0]! - (10 + 0.6 / speed)) < 1e-9)
    }

    @Test("PS: k equal requests admitted together each take k·w / s", arguments: [2, 3, 8])
    func processorSharingShared(k: Int) {
        var model = ProcessorSharingCapacity(speed: 2)
        for job in 0..<k { model.admit(UInt64(job), work: 0.5, at: 0) }
        let times = drain(&model)
        #expect(times.count == k)
        for job in 0..<k { #expect(abs(times[UInt64(job)]! - Double(k) * 0.5 / 2) < 1e-9) }
    }

    @Test("PS: a later arrival slows the earlier one by exactly its share")
    func processorSharingStaggered() {
        // Speed 1: A (work 1) alone for 0.5 s gets 0.5 done; then B (work 1) arrives and both run
        // at ½: A finishes at 0.5 + 2·0.5 = 1.5, B has 0.5 left and finishes alone at 2.
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 1, at: 0.5)
        let times = drain(&model)
        #expect(abs(times[0]! - 1.5) < 1e-9)
        #expect(abs(times[1]! - 2) < 1e-9)
    }

    @Test("PS: a cancelled request gives its share back")
    func processorSharingCancel() {
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 10, at: 0)
        model.cancel(1, at: 0.5)  // A has 0.25 done, then runs alone: done at 0.5 + 0.75.
        let times = drain(&model)
        #expect(times.count == 1)
        #expect(abs(times[0]! - 1.25) < 1e-9)
    }

    @Test("PS: a late timer delays no other request's service")
    func processorSharingLateTimer() {
        // Speed 1: A (work 1) and B (work 2) share it from 0, so A is done at 2, then B has 1
        // left alone: done at 3, even though A's completion is only taken at 2.5.
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 2, at: 0)
        #expect(model.takeCompleted(at: 2.5) == [0])
        #expect(model.nextCompletion() == 3)
    }

    @Test("PS: an arrival after a missed completion does not stretch it nor share its time")
    func processorSharingArrivalAfterLateTimer() {
        // A (work 1) alone from 0 is done at 1; B (work 1) arrives at 1.5, before the timer
        // fired: B runs alone from 1.5 and is done at 2.5, not 3.
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 1, at: 1.5)
        #expect(model.takeCompleted(at: 1.5) == [0])
        #expect(abs(model.nextCompletion()! - 2.5) < 1e-9)
        // A (work 1) and C (work 10) share it from 0, so A is done at 2; C alone has 1 done by
        // 3, when D (work 1) arrives: D needs 2 more seconds of half the speed, done at 5.
        var shared = ProcessorSharingCapacity(speed: 1)
        shared.admit(0, work: 1, at: 0)
        shared.admit(2, work: 10, at: 0)
        shared.admit(3, work: 1, at: 3)
        #expect(shared.takeCompleted(at: 3) == [0])
        #expect(abs(shared.nextCompletion()! - 5) < 1e-9)
    }

    @Test("PS: a cancel after a missed completion leaves that completion at its own time")
    func processorSharingCancelAfterLateTimer() {
        // A (work 1) and C (work 10) share it from 0: A done at 2. C cancelled at 3, A's timer
        // late: A still completes, and the server is then empty.
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(2, work: 10, at: 0)
        model.cancel(2, at: 3)
        #expect(model.takeCompleted(at: 3) == [0])
        #expect(model.nextCompletion() == nil)
        #expect(model.inFlight == 0)
    }

    /// A mutant that cancelled without first completing what was already due survived the test
    /// above: with the server left empty, nobody else's service showed the overdue request's share.
    @Test("PS: a cancel after a missed completion shares the time after it among those still running")
    func processorSharingCancelAfterLateTimerWithOthers() {
        // Speed 1: A (work 1), B (work 3) and C (work 3) share it from 0, so A is done at 3, with
        // B and C at 1 each. C is cancelled at 4, A's timer late: from 3 to 4 B and C ran at ½,
        // so B has 1.5 done and finishes alone at 5.5 (with A charged a share until 4, at 6).
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 3, at: 0)
        model.admit(2, work: 3, at: 0)
        model.cancel(2, at: 4)
        #expect(model.takeCompleted(at: 4) == [0])
        #expect(abs(model.nextCompletion()! - 5.5) < 1e-9)
        #expect(model.inFlight == 1)
    }

    @Test("PS: zero work completes at once")
    func processorSharingZeroWork() {
        var model = ProcessorSharingCapacity(speed: 1)
        model.admit(7, work: 0, at: 3)
        #expect(model.takeCompleted(at: 3) == [7])
    }

    @Test("FCFS, one slot: equal requests complete at w/s, 2w/s, 3w/s in arrival order")
    func firstComeFirstServedOneSlot() {
        var model = SlotsCapacity(speed: 2, slots: 1)
        for job in 0..<3 { model.admit(UInt64(job), work: 1, at: 0) }
        #expect(model.inFlight == 3)
        let times = drain(&model)
        for job in 0..<3 { #expect(abs(times[UInt64(job)]! - Double(job + 1) * 0.5) < 1e-9) }
    }

    @Test("FCFS, K slots: K requests run at once at speed / K; the next waits for a slot")
    func firstComeFirstServedSlots() {
        var model = SlotsCapacity(speed: 2, slots: 2)
        for job in 0..<3 { model.admit(UInt64(job), work: 1, at: 0) }
        let times = drain(&model)
        #expect(abs(times[0]! - 1) < 1e-9)
        #expect(abs(times[1]! - 1) < 1e-9)
        #expect(abs(times[2]! - 2) < 1e-9)
    }

    @Test("FCFS: a late timer does not shift the next request's start")
    func firstComeFirstServedLateTimer() {
        var model = SlotsCapacity(speed: 1, slots: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 1, at: 0)
        #expect(model.takeCompleted(at: 1.7) == [0])
        #expect(model.nextCompletion() == 2)
    }

    @Test("FCFS: an arrival after a missed completion starts when it arrives, not before")
    func firstComeFirstServedArrivalAfterLateTimer() {
        // One slot: A (work 1) done at 1; B (work 1) arrives at 1.5, before the timer fired:
        // the slot is free then, so B is done at 2.5 (not 2, which would start it before it came).
        var model = SlotsCapacity(speed: 1, slots: 1)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 1, at: 1.5)
        #expect(model.takeCompleted(at: 1.5) == [0])
        #expect(abs(model.nextCompletion()! - 2.5) < 1e-9)
    }

    @Test("FCFS: a cancel after a missed completion starts the next request at that completion")
    func firstComeFirstServedCancelAfterLateTimer() {
        // Two slots at speed 1 each: A (work 1) and X (work 5) in service, B (work 1) waiting.
        // A was done at 1, so B took A's slot at 1; X is cancelled at 1.5, before the timer
        // fired: B is done at 2 (not 2.5, which would start it in X's slot at the cancel).
        var model = SlotsCapacity(speed: 2, slots: 2)
        model.admit(0, work: 1, at: 0)
        model.admit(1, work: 5, at: 0)
        model.admit(2, work: 1, at: 0)
        model.cancel(1, at: 1.5)
        #expect(model.takeCompleted(at: 1.5) == [0])
        #expect(abs(model.nextCompletion()! - 2) < 1e-9)
        #expect(model.takeCompleted(at: 10) == [2])
        #expect(model.inFlight == 0)
    }

    @Test("FCFS: cancelling the request in service starts the next one then")
    func firstComeFirstServedCancel() {
        var model = SlotsCapacity(speed: 1, slots: 1)
        model.admit(0, work: 5, at: 0)
        model.admit(1, work: 1, at: 0)
        model.admit(2, work: 1, at: 0)
        model.cancel(2, at: 0.1)
        model.cancel(0, at: 0.5)
        let times = drain(&model)
        #expect(times.count == 1)
        #expect(abs(times[1]! - 1.5) < 1e-9)
    }
}
