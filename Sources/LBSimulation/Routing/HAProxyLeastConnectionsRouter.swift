/// HAProxy 2.6's `balance leastconn` (`src/lb_fwlc.c`) as a simulator router: the choice HAProxy
/// makes, so that `lbbench simulate` and `lbbench-live`'s predictions can put HAProxy's rule
/// next to the library's.
///
/// # The rule
/// HAProxy keeps the servers in an ebtree (`eb32`) keyed by (`fwlc_queue_srv`)
///
///     key = inflight == 0 ? 0 : (inflight + 1) × SRV_EWGHT_MAX ÷ eweight    (integer division)
///
/// where `inflight` is the server's requests in flight (served plus queued), `eweight` its
/// weight × `BE_WEIGHT_SCALE` (16) and `SRV_EWGHT_MAX` = 256 × 16. A pick takes the first server
/// of the tree (`fwlc_get_next_server`: the smallest key; simulated servers are never
/// saturated, so none is skipped). When a server's count changes — a pick
/// (`server_take_conn`) or a release (`server_drop_conn`) — `fwlc_srv_reposition` computes its
/// key again and, when it differs, deletes the server from the tree and inserts it again; an
/// ebtree walks equal keys in insertion order, so a re-inserted server goes after every server
/// already holding that key. At start every server is inserted with key 0, in configuration
/// order (`fwlc_init_server_tree`).
///
/// What follows from it:
/// - an idle server (key 0) is always taken first, whatever its weight and whatever the others
///   hold: at light load HAProxy rotates over the servers in the order they last went idle,
///   ignoring weights;
/// - `inflight + 1` ranks a busy server by the load it would have *after* taking the request,
///   which favours heavier servers at low counts: with weights 2 and 1 and one request each, the
///   keys are 2 × 4096 ÷ 32 = 256 and 2 × 4096 ÷ 16 = 512, so the weight-2 server takes the next
///   one (a score of active ÷ weight, 1/2 against 1/1, would too, but at 3 and 1 in flight
///   HAProxy still ties them, 512 and 512, where active ÷ weight prefers the weight-1 server);
/// - among equal keys the server that has held its key the longest goes first.
///
/// With weights in 1...256 (HAProxy's own range, `SRV_UWGHT_MAX`; larger ones are refused,
/// `check(weights:)`) every change of a count changes the key, so every pick and release
/// re-inserts the server. Keys are 64-bit here (HAProxy's are 32-bit, which overflow only past
/// a million requests in flight on one server).
///
/// - Complexity: pick O(n) (a scan for the smallest key and insertion stamp; HAProxy's tree
///   finds it in O(log n): the choice is modelled, not its cost); release and assign O(1).
///   Memory: 32 bytes per server.
/// - Note: Not thread-safe (a router).
public struct HAProxyLeastConnectionsRouter: Router {
    /// The largest weight HAProxy accepts (`SRV_UWGHT_MAX`).
    public static let maximumWeight = 256
    /// `BE_WEIGHT_SCALE`: a server's effective weight is its weight times this.
    static let weightScale: UInt64 = 16
    /// `SRV_EWGHT_MAX`: the largest effective weight, the keys' numerator scale.
    static let maximumEffectiveWeight = UInt64(maximumWeight) * weightScale

    private let effectiveWeights: [UInt64]
    private var inFlight: [UInt64]
    /// Each server's key in HAProxy's tree.
    private var keys: [UInt64]
    /// When each server was last inserted into the tree: the order among equal keys.
    private var insertedAt: [UInt64]
    private var insertions: UInt64

    /// HAProxy's leastconn over servers of `weights`, inserted in index order, none in flight.
    ///
    /// - Throws: `SimulationError.invalidConfiguration` when a weight is outside 1...256.
    public init(weights: [Int]) throws(SimulationError) {
        try Self.check(weights: weights)
        effectiveWeights = weights.map { UInt64($0) * Self.weightScale }
        inFlight = Array(repeating: 0, count: weights.count)
        keys = inFlight
        insertedAt = Array(0..<UInt64(weights.count))
        insertions = UInt64(weights.count)
    }

    /// Refuses a weight HAProxy does not accept, naming the server, its weight and the bound.
    ///
    /// - Complexity: O(n).
    public static func check(weights: [Int]) throws(SimulationError) {
        if let (server, weight) = weights.enumerated().first(where: { !(1...maximumWeight).contains($0.element) }) {
            throw .invalidConfiguration(
                "--weights: server \(server) has weight \(weight); the \(RouterKind.haproxyLeastConnections.name) model "
                    + "takes HAProxy's weights, 1...\(maximumWeight)")
        }
    }

    /// HAProxy's key for a server with `inFlight` requests and effective weight `effectiveWeight`.
    static func key(inFlight: UInt64, effectiveWeight: UInt64) -> UInt64 {
        inFlight == 0 ? 0 : (inFlight + 1) * maximumEffectiveWeight / effectiveWeight
    }

    public mutating func pick() -> Int {
        var best = 0
        for server in keys.indices.dropFirst()
        where (keys[server], insertedAt[server]) < (keys[best], insertedAt[best]) {
            best = server
        }
        assign(best)
        return best
    }

    public mutating func release(_ server: Int) {
        inFlight[server] -= 1
        reposition(server)
    }

    public mutating func assign(_ server: Int) {
        inFlight[server] += 1
        reposition(server)
    }

    /// `fwlc_srv_reposition`: the server's new key, and a new place after the servers that
    /// already hold it.
    private mutating func reposition(_ server: Int) {
        keys[server] = Self.key(inFlight: inFlight[server], effectiveWeight: effectiveWeights[server])
        insertedAt[server] = insertions
        insertions += 1
    }
}
