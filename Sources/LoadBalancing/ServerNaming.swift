/// How a policy that serves as one shard of a larger selector names its servers to that
/// selector's caller: its local server `i` is the caller's server `i × stride + offset`.
///
/// `PartitionedSelector` puts server `s` in shard `s % k` as local server `s / k`, so shard
/// `j`'s naming is (stride k, offset j). It hands the naming to its shard's `BucketsPolicy`, whose
/// misuse messages (`SelectorMisuse`) then name the server the caller knows, not the shard's
/// local one; the selector maps its picks back through it too. A policy used on its own names
/// its servers as they are (`identity`).
///
/// Only the misuse paths (and the selector's answer to a pick) read it: passing it costs the
/// pick and the release nothing.
///
/// - Complexity: O(1). Memory: two words, passed by value.
/// - Note: Thread-safe: an immutable value.
struct ServerNaming: Sendable {
    /// The caller's ids of consecutive local servers differ by this much.
    let stride: Int
    /// The caller's id of local server 0.
    let offset: Int

    /// Local ids are the caller's ids.
    @inline(__always)
    static var identity: ServerNaming { ServerNaming(stride: 1, offset: 0) }

    /// The caller's id of local server `local`.
    @inline(__always)
    func callersServer(_ local: Int) -> ServerID { ServerID(local &* stride &+ offset) }
}
