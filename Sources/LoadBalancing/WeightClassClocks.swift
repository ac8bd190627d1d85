/// The weight classes of `linear-scan` and `min-heap` and their clocks (see
/// `ReferenceLeastConnections` for the tie rule they serve): which class each server is in, and
/// the units most recently given to any member of each class.
///
/// `buckets` keeps the same clock in its own `WeightClass`. Here a class is just an index into
/// `clocks`, found through `classOf`, so a pick or a release reads and writes one more word;
/// the dictionary from weight to class is used only when a weight is set.
///
/// - Complexity: `advance` O(1); `reassign` O(1) expected (one dictionary lookup).
///   Memory: 4 bytes per server, about 24 bytes per distinct weight.
/// - Note: Not thread-safe: part of one policy.
@usableFromInline
struct WeightClassClocks {
    /// The class of each server; -1 while drained.
    @usableFromInline var classOf: [Int32]
    /// Each class's clock, in units of its weight.
    @usableFromInline var clocks: [UInt64]
    /// Each class's member count; 0 for a free index.
    var members: [Int32]
    /// Each class's weight.
    var classWeight: [UInt32]
    /// The class of each weight some server has.
    var classOfWeight: [UInt32: Int32]
    /// Free class indices, reused before `clocks` grows.
    var freeClasses: [Int32]

    /// One class per distinct positive weight, every clock 0.
    ///
    /// - Precondition: `weights` passed `WeightValidation`.
    /// - Complexity: O(n) expected.
    init(weights: [Int]) {
        classOf = Array(repeating: -1, count: weights.count)
        clocks = []
        members = []
        classWeight = []
        classOfWeight = [:]
        freeClasses = []
        for (server, weight) in weights.enumerated() where weight > 0 { join(server, weight: UInt32(weight)) }
    }

    /// Returns the later of `candidate` and the clock of `server`'s class (`server` has weight
    /// > 0), and sets the clock to it: the units `server` gets when it changes.
    ///
    /// - Complexity: O(1).
    @inlinable
    @inline(__always)
    mutating func advance(_ server: Int, to candidate: UInt64) -> UInt64 {
        let weightClass = Int(classOf[server])
        let units = Swift.max(candidate, clocks[weightClass])
        clocks[weightClass] = units
        return units
    }

    /// Moves `server` from its class (if any) to the class of `weight` (none for 0); with
    /// weight > 0 returns the units it gets, the later of `notBefore` and the new class's clock,
    /// which becomes the clock. A class left empty is freed and forgets its clock.
    ///
    /// - Complexity: O(1) expected.
    mutating func reassign(_ server: Int, to weight: UInt32, notBefore: UInt64) -> UInt64? {
        let old = Int(classOf[server])
        if old >= 0 {
            members[old] -= 1
            if members[old] == 0 {
                classOfWeight[classWeight[old]] = nil
                freeClasses.append(Int32(old))
            }
            classOf[server] = -1
        }
        guard weight > 0 else { return nil }
        join(server, weight: weight)
        return advance(server, to: notBefore)
    }

    /// Puts `server` in the class of `weight`, creating it with clock 0 if needed.
    private mutating func join(_ server: Int, weight: UInt32) {
        let weightClass: Int32
        if let existing = classOfWeight[weight] {
            weightClass = existing
        } else if let reused = freeClasses.popLast() {
            weightClass = reused
            clocks[Int(reused)] = 0
            classWeight[Int(reused)] = weight
            classOfWeight[weight] = reused
        } else {
            weightClass = Int32(clocks.count)
            clocks.append(0)
            members.append(0)
            classWeight.append(weight)
            classOfWeight[weight] = weightClass
        }
        members[Int(weightClass)] += 1
        classOf[server] = weightClass
    }
}
