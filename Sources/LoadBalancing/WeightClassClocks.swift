/// The clock of one weight class (see `ReferenceLeastConnections` for the tie rule it serves):
/// the class's virtual time, counted in *rounds* of `1 / weight` each.
///
/// A round is as many picks of the class's members as it has members, so the class's virtual
/// time grows by `1 / (weight × members)` per pick on average, whichever member was picked:
/// among tied servers a class takes picks in proportion to `weight × members`, each member an
/// equal part of them, and so each server in proportion to its own weight, whether or not
/// some of its classmates are busy. A member takes the class's round as its virtual time
/// whenever it changes; the round never decreases, so within a class virtual time never
/// decreases in the order members changed.
///
/// - Complexity: every operation O(1).
/// - Note: Not thread-safe: a value inside one policy.
@usableFromInline
struct ClassClock: Sendable, BitwiseCopyable {
    /// The class's virtual time, in units of `1 / weight`.
    @usableFromInline var round: UInt64
    /// Picks of members since the round began.
    @usableFromInline var picksInRound: UInt32

    /// Round 0.
    @usableFromInline static let zero = ClassClock(round: 0, picksInRound: 0)

    @inlinable
    init(round: UInt64, picksInRound: UInt32) {
        self.round = round
        self.picksInRound = picksInRound
    }

    /// Counts one pick (or assignment) of a member of a class of `members` servers and returns
    /// the units the picked member gets: the round, after it ends if this pick completed it.
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    mutating func tick(members: Int32) -> UInt64 {
        picksInRound &+= 1
        if picksInRound >= UInt32(truncatingIfNeeded: members) {
            picksInRound = 0
            round &+= 1
        }
        return round
    }

    /// Moves the round forward to `units` if that is later (a server joining the class at
    /// the latest virtual time) and returns the round.
    ///
    /// - Complexity: O(1).
    mutating func lift(to units: UInt64) -> UInt64 {
        if units > round { round = units }
        return round
    }
}

/// The weight classes of `linear-scan` and `min-heap` and their clocks: which class each
/// server is in, and each class's `ClassClock` and member count.
///
/// `buckets` keeps the same clock in its own `WeightClass`. Here a class is just an index into
/// `classes`, found through `classOf` (or handed in by the pick, which finds the winner's
/// class as it goes: `linear-scan` keeps a segment, `min-heap` a heap per class index): a
/// pick reads and writes one 16-byte entry, a release reads one; the dictionary from weight
/// to class is used only when a weight is set.
///
/// - Complexity: `tick`, `round` O(1); `latestTime` O(classes); `reassign` O(classes) (it
///   calls `latestTime` when the new weight is positive) plus one dictionary lookup. Memory:
///   4 bytes per server, about 40 bytes per distinct weight.
/// - Note: Not thread-safe: part of one policy.
@usableFromInline
struct WeightClassClocks {
    /// One class: its clock and its member count (0 for a free index), side by side so that a
    /// pick touches one entry.
    @usableFromInline
    struct Entry: BitwiseCopyable {
        @usableFromInline var clock: ClassClock
        @usableFromInline var members: Int32
    }

    /// The class of each server; -1 while drained.
    @usableFromInline var classOf: [Int32]
    /// Each class: written by every pick, so kept in a `PolicyArray` (the owning policy keeps
    /// it unique and calls `copyArrays` when a copy of it shares it).
    @usableFromInline var classes: PolicyArray<Entry>
    /// Each class's weight.
    @usableFromInline var classWeight: [UInt32]
    /// The class of each weight some server has.
    var classOfWeight: [UInt32: Int32]
    /// Free class indices, reused before `classes` grows.
    var freeClasses: [Int32]

    /// One class per distinct positive weight, every clock at round 0.
    ///
    /// - Precondition: `weights` passed `WeightValidation`.
    /// - Complexity: O(n) expected.
    init(weights: [Int]) {
        classOf = Array(repeating: -1, count: weights.count)
        classes = PolicyArray([])
        classWeight = []
        classOfWeight = [:]
        freeClasses = []
        for (server, weight) in weights.enumerated() where weight > 0 { join(server, weight: UInt32(weight)) }
    }

    /// Counts a pick (or assignment) of `server` (weight > 0) in its class's clock and returns
    /// the units it gets (`ClassClock.tick`).
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    mutating func tick(_ server: Int) -> UInt64 {
        tick(inClass: Int(classOf[server]))
    }

    /// Counts a pick (or assignment) of a member of `weightClass` and returns the units it gets.
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    mutating func tick(inClass weightClass: Int) -> UInt64 {
        classes.withUnsafeMutableBufferPointer { classes in
            classes[weightClass].clock.tick(members: classes[weightClass].members)
        }
    }

    /// The round of `server`'s class (`server` has weight > 0): the units it gets on a release.
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    func round(_ server: Int) -> UInt64 {
        classes[Int(classOf[server])].clock.round
    }

    /// The latest virtual time of any class: where a server joining a class starts, so that a
    /// server returning from a drain gets no backlog of ties.
    ///
    /// - Complexity: O(classes).
    func latestTime() -> VirtualTime {
        var latest = VirtualTime.zero
        for index in classes.indices where classes[index].members > 0 {
            latest.advance(to: classes[index].clock.round, weight: classWeight[index])
        }
        return latest
    }

    /// Moves `server` from its class (if any) to the class of `weight` (none for 0); with
    /// weight > 0 returns the units it gets: its new class's round, first lifted to the latest
    /// virtual time of any class. A class left empty is freed and forgets its clock.
    ///
    /// - Complexity: O(classes) (`latestTime`), plus one dictionary lookup.
    mutating func reassign(_ server: Int, to weight: UInt32) -> UInt64? {
        let old = Int(classOf[server])
        if old >= 0 {
            classes[old].members -= 1
            if classes[old].members == 0 {
                classOfWeight[classWeight[old]] = nil
                freeClasses.append(Int32(old))
            }
            classOf[server] = -1
        }
        guard weight > 0 else { return nil }
        let start = latestTime().units(atWeight: weight)
        let weightClass = join(server, weight: weight)
        return classes[weightClass].clock.lift(to: start)
    }

    /// Gives the classes storage of their own, for a policy that found its arrays shared with
    /// a copy of it (see `PolicyArray`).
    ///
    /// - Complexity: O(classes).
    mutating func copyArrays() {
        classes = classes.copy()
    }

    /// Puts `server` in the class of `weight`, creating it at round 0 if needed, and returns
    /// the class.
    @discardableResult
    private mutating func join(_ server: Int, weight: UInt32) -> Int {
        let weightClass: Int32
        if let existing = classOfWeight[weight] {
            weightClass = existing
        } else if let reused = freeClasses.popLast() {
            weightClass = reused
            classes[Int(reused)].clock = .zero
            classWeight[Int(reused)] = weight
            classOfWeight[weight] = reused
        } else {
            weightClass = Int32(classes.count)
            classes.append(Entry(clock: .zero, members: 0))
            classWeight.append(weight)
            classOfWeight[weight] = weightClass
        }
        classes[Int(weightClass)].members += 1
        classOf[server] = weightClass
        return Int(weightClass)
    }
}
