/// The servers of one `BucketsPolicy` that share one positive weight, grouped by active
/// count: bucket `k` is an intrusive doubly-linked list (links in `BucketsPolicy.Server`) of
/// the class's servers with exactly `k` active connections.
///
/// Within one class every server has the same weight, so a lower count is a lower score and
/// the least loaded servers are exactly those in bucket `minimum`. Each bucket is kept in
/// increasing last-change stamp order: a server is only ever appended at a tail, at the moment
/// its stamp becomes the newest. So the head of bucket `minimum` is the class's canonical
/// tie winner.
///
/// - Note: Not thread-safe: part of one `BucketsPolicy`.
struct WeightClass {
    /// One bucket's list ends; -1 for none.
    struct Bucket {
        var head: Int32
        var tail: Int32

        static let empty = Bucket(head: -1, tail: -1)
    }

    /// The weight every member has; positive.
    var weight: UInt32
    /// The index of the first non-empty bucket while the class has members.
    var minimum: UInt32
    /// The number of servers in the class.
    var members: Int32
    /// This class's index in `BucketsPolicy.liveClasses`.
    var liveSlot: Int32
    /// `buckets[k]` lists the members with `k` active connections. It grows to one past the
    /// highest count a member has reached and does not shrink while the class lives.
    var buckets: [Bucket]
}
