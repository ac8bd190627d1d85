/// The servers of one `BucketsPolicy` that share one positive weight, grouped by active
/// count: bucket `k` is a circular doubly-linked list of the class's servers with exactly `k`
/// active connections, closed by a sentinel node (see `BucketsPolicy.Node`).
///
/// Within one class every server has the same weight, so a lower count is a lower score and
/// the least loaded servers are exactly those in bucket `minimum`. Each bucket is kept in
/// increasing (virtual time, last-change stamp) order: a server is only ever appended at a
/// tail, at the moment its stamp becomes the newest and its units become the class's round,
/// which no member's units exceed and which never decreases. So the head of bucket `minimum` is the class's canonical
/// tie winner (see `ReferenceLeastConnections`).
///
/// A plain value (`BitwiseCopyable`), so that the classes live in a `PolicyArray`; each class's
/// bucket sentinels are in `BucketsPolicy.sentinels`, apart.
///
/// - Note: Not thread-safe: part of one `BucketsPolicy`.
struct WeightClass: BitwiseCopyable {
    /// The weight every member has; positive.
    var weight: UInt32
    /// The index of the first non-empty bucket while the class has members.
    var minimum: UInt32
    /// The number of servers in the class.
    var members: Int32
    /// This class's index in `BucketsPolicy.liveClasses`.
    var liveSlot: Int32
    /// The class's clock: its round is the latest virtual time in the class (see `ClassClock`).
    var clock: ClassClock
    /// The sentinel of bucket `minimum` while the class has members, kept beside the clock so
    /// that a pick finds each class's head without loading the class's sentinels: one
    /// dependent load fewer per class and per pick. Set only with `minimum`
    /// (`BucketsPolicy.setMinimum`).
    var minimumSentinel: Int32
    /// The virtual time of bucket `minimum`'s head, the class's tie winner, while the class has
    /// members: with `headStamp`, what a pick compares across classes, kept here so that the
    /// pick reads one record per class and no node (`BucketsPolicy.refreshHead`). Set
    /// whenever the head may have changed: after every move in or out of the minimum bucket.
    var headUnits: UInt64
    /// The last-change stamp of bucket `minimum`'s head while the class has members.
    var headStamp: UInt64
}
