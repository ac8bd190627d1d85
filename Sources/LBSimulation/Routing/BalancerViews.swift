import LBRandom
import LoadBalancing

/// The balancers in front of the farm and what each of them knows.
///
/// With one balancer, every pick sees every connection: the selector counts them all, as a
/// single NGINX with `zone` or one HAProxy process does.
///
/// With `K` balancers, each arrival goes to one of them uniformly at random (the kernel's
/// accept balancing across NGINX workers or Envoy workers, or DNS across proxy instances), and
/// each balancer has its own selector:
/// - **own counts** (`refresh == nil`): a balancer's selector counts only the connections it
///   picked itself: NGINX workers without `zone`, Envoy workers, independent proxy instances.
///   This needs only `pick` and `release`.
/// - **shared counts, refreshed every Δ**: every Δ a balancer's view is reset to the true
///   global counts (as if a shared table or a load report were read), and between refreshes
///   it adds only its own picks and releases; the balancers' refreshes are staggered evenly
///   across Δ. Between refreshes every balancer believes the same server is least loaded and
///   sends its traffic there: the herd effect.
///
/// # How a refresh brings a selector to the global counts
/// Rebuilding a selector per refresh would reset the state that is not counts (round robin's
/// rotation, p2c's generator, the tie stamps and virtual times) and cost O(n) per refresh. Instead each
/// balancer's selector is corrected in place, server by server: the view of balancer `b` is
/// `global[s]` at its last refresh plus its own changes since, so at the next refresh it
/// differs from `global[s]` exactly by what the *other* balancers did to `s` meanwhile. Those
/// servers are tracked in a per-balancer dirty list, and the difference is applied with
/// `release` (going down) and the library's `ServerSelector.assign` (going up), oldest
/// global change first, so the tie stamps and virtual times advance in the order the changes
/// really happened. A view never drops below the balancer's own open connections, so no
/// release underflows.
///
/// - Complexity: pick and release O(router) + O(K) to mark the other views dirty when
///   refreshing; a refresh O(d log d + |changes|) for the d servers changed by others.
///   Memory: O(K·n) when refreshing, O(K) routers otherwise.
/// - Note: Not thread-safe.
struct BalancerViews<R: Router> {
    /// One router per balancer; readable so tests can see what each one counts.
    private(set) var routers: [R]
    private let serverCount: Int
    private var chooser: SplitMix64
    /// The period Δ of each balancer's refresh; `nil` for own counts only.
    private let refresh: Double?
    /// When the next refresh happens, and whose it is.
    private(set) var nextRefreshTime = Double.infinity
    private var nextRefreshBalancer = 0
    /// Refreshes done so far; the next one is at `(refreshes + 1) · Δ / K`, computed from the
    /// count rather than summed, so no rounding accumulates.
    private var refreshes = 0
    /// Refreshes since the last pick or release; once there have been `K`, every view is
    /// current and further refreshes change nothing until the next pick or release.
    private var quietRefreshes = 0
    /// Refresh mode: true connections per server.
    private var global: [Int32] = []
    /// Refresh mode: `view[b * n + s]`, balancer `b`'s count of server `s` (its router's count).
    private var view: [Int32] = []
    /// Refresh mode: whether another balancer changed `s` since `b`'s refresh, at `b * n + s`.
    private var dirty: [Bool] = []
    private var dirtyLists: [[Int32]] = []
    /// The list being replayed by a refresh, swapped with the balancer's (now empty) dirty list
    /// so that neither buffer is copied or reallocated.
    private var replaying: [Int32] = []
    /// Refresh mode: a global change counter value per server, to replay changes in order.
    private var lastChange: [UInt64] = []
    private var changeClock: UInt64 = 0

    /// Balancers routing with `routers` (one each) over `serverCount` servers.
    init(routers: [R], serverCount: Int, refresh: Double?, seed: UInt64) {
        self.routers = routers
        self.serverCount = serverCount
        self.refresh = refresh
        chooser = SplitMix64(seed: seed)
        guard let refresh, routers.count > 1 else { return }
        global = Array(repeating: 0, count: serverCount)
        view = Array(repeating: 0, count: routers.count * serverCount)
        dirty = Array(repeating: false, count: routers.count * serverCount)
        dirtyLists = Array(repeating: [], count: routers.count)
        lastChange = Array(repeating: 0, count: serverCount)
        nextRefreshTime = refresh / Double(routers.count)
    }

    private var sharing: Bool { !global.isEmpty }

    /// The balancer the next arrival reaches: uniformly random among `K`.
    mutating func chooseBalancer() -> Int {
        routers.count == 1 ? 0 : Int(chooser.next(upperBound: UInt64(routers.count)))
    }

    /// Balancer `balancer` picks a server.
    mutating func pick(through balancer: Int) -> Int {
        let server = routers[balancer].pick()
        if sharing { recordChange(server, by: balancer, delta: 1) }
        return server
    }

    /// Balancer `balancer`, which picked `server`, releases it.
    mutating func release(_ server: Int, through balancer: Int) {
        routers[balancer].release(server)
        if sharing { recordChange(server, by: balancer, delta: -1) }
    }

    private mutating func recordChange(_ server: Int, by balancer: Int, delta: Int32) {
        quietRefreshes = 0
        global[server] += delta
        view[balancer * serverCount + server] += delta
        lastChange[server] = changeClock
        changeClock += 1
        for other in routers.indices where other != balancer {
            let slot = other * serverCount + server
            if !dirty[slot] {
                dirty[slot] = true
                dirtyLists[other].append(Int32(server))
            }
        }
    }

    /// Performs the refresh due at `nextRefreshTime` and schedules the next one. When no pick
    /// or release comes before `nextChange` and every view is already current, the refreshes
    /// due before it would change nothing: they are skipped by count, so a quiet spell costs
    /// O(1), not O(spell / Δ).
    mutating func refreshNext(nextChangeAt nextChange: Double) {
        let balancer = nextRefreshBalancer
        swap(&replaying, &dirtyLists[balancer])
        replaying.sort { lastChange[Int($0)] < lastChange[Int($1)] }
        for server32 in replaying {
            let server = Int(server32)
            let slot = balancer * serverCount + server
            dirty[slot] = false
            while view[slot] < global[server] {
                routers[balancer].assign(server)
                view[slot] += 1
            }
            while view[slot] > global[server] {
                routers[balancer].release(server)
                view[slot] -= 1
            }
        }
        replaying.removeAll(keepingCapacity: true)
        refreshes += 1
        quietRefreshes += 1
        if let refresh, quietRefreshes >= routers.count {
            skipRefreshes(before: nextChange, period: refresh)
        }
        nextRefreshBalancer = refreshes % routers.count
        if let refresh { nextRefreshTime = refreshTime(refreshes, period: refresh) }
    }

    /// When refresh number `index` (from 0) happens.
    private func refreshTime(_ index: Int, period: Double) -> Double {
        Double(index + 1) * period / Double(routers.count)
    }

    /// Counts as done every refresh before `time`, so the next one is the first at or after it.
    private mutating func skipRefreshes(before time: Double, period: Double) {
        let estimate = (time * Double(routers.count) / period).rounded(.up) - 1
        guard estimate.isFinite, estimate < 0x1p62 else { return }
        var index = max(refreshes, Int(estimate))
        while refreshTime(index, period: period) < time { index += 1 }
        while index > refreshes && refreshTime(index - 1, period: period) >= time { index -= 1 }
        refreshes = index
    }
}
