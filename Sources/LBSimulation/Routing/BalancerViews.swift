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
/// differs from `global[s]` exactly by what the *other* balancers did to `s` meanwhile. Every
/// pick and release is appended to one change log shared by all balancers; a refresh walks the
/// log back from its newest entry to the balancer's previous refresh, takes each server at its
/// newest change, and applies the difference with `release` (going down) and the library's
/// `ServerSelector.assign` (going up), the server whose newest change is oldest first, so the
/// tie stamps and virtual times advance in the order the changes really happened. (A server
/// only the balancer itself changed differs by nothing and is left alone.) A view never drops
/// below the balancer's own open connections, so no release underflows.
///
/// The log keeps at most `logCapacity` entries (about 4n): when it is full its older half is
/// dropped, and a balancer whose previous refresh is older than the log compares its whole view
/// with the global counts instead and replays the differing servers by the time of their
/// newest change (`lastChange`): the same servers in the same order.
///
/// - Complexity: pick and release O(router) + O(1) amortized when refreshing; a refresh
///   O(e + d·router) for the e changes logged since the balancer's previous refresh and the d
///   servers among them that others changed, or O(n + d log d + d·router) once its previous
///   refresh has left the log. Memory: O(K·n) when refreshing, O(K) routers otherwise.
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
    private(set) var nextRefreshBalancer = 0
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
    /// Refresh mode: the servers picked or released, in order; entry `i` is change number
    /// `logStart + i`.
    private var log: [Int32] = []
    private var logStart: UInt64 = 0
    /// The most entries `log` keeps before dropping its older half.
    private let logCapacity: Int
    /// Refresh mode: per balancer, the number of the first change its last refresh did not see.
    private var refreshedUpTo: [UInt64] = []
    /// Refresh mode: per server, the number of its newest change (to replay by it once a
    /// balancer's previous refresh has left the log).
    private var lastChange: [UInt64] = []
    private var changeClock: UInt64 = 0
    /// Refresh mode: `seenIn[s] == refreshes + 1` while the running refresh has collected `s`.
    private var seenIn: [Int] = []
    /// The servers a refresh replays, newest change first; kept to reuse its buffer.
    private var replaying: [Int32] = []
    /// A refresh's servers to replay as `lastChange[s] << bits | s`, when it compares whole views.
    private var sortKeys: [UInt64] = []

    /// Balancers routing with `routers` (one each) over `serverCount` servers; `logCapacity`
    /// (tests shrink it) defaults to 4n + 4,096 entries.
    init(routers: [R], serverCount: Int, refresh: Double?, seed: UInt64, logCapacity: Int? = nil) {
        self.routers = routers
        self.serverCount = serverCount
        self.refresh = refresh
        self.logCapacity = max(2, logCapacity ?? 4 * serverCount + 4_096)
        chooser = SplitMix64(seed: seed)
        guard let refresh, routers.count > 1 else { return }
        global = Array(repeating: 0, count: serverCount)
        view = Array(repeating: 0, count: routers.count * serverCount)
        log.reserveCapacity(self.logCapacity)
        refreshedUpTo = Array(repeating: 0, count: routers.count)
        lastChange = Array(repeating: 0, count: serverCount)
        seenIn = Array(repeating: 0, count: serverCount)
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
        if log.count == logCapacity {
            let dropped = log.count / 2
            log.removeFirst(dropped)
            logStart += UInt64(dropped)
        }
        log.append(Int32(server))
        lastChange[server] = changeClock
        changeClock += 1
    }

    /// Performs the refresh due at `nextRefreshTime` and schedules the next one. When no pick
    /// or release comes before `nextChange` and every view is already current, the refreshes
    /// due before it would change nothing: they are skipped by count, so a quiet spell costs
    /// O(1), not O(spell / Δ).
    mutating func refreshNext(nextChangeAt nextChange: Double) {
        let balancer = nextRefreshBalancer
        collectChangedServers(since: refreshedUpTo[balancer], for: balancer)
        refreshedUpTo[balancer] = changeClock
        let row = balancer * serverCount
        routers.withUnsafeMutableBufferPointer { routers in
            view.withUnsafeMutableBufferPointer { view in
                global.withUnsafeBufferPointer { global in
                    // Oldest newest-change first.
                    for server32 in replaying.reversed() {
                        let server = Int(server32)
                        while view[row + server] < global[server] {
                            routers[balancer].assign(server)
                            view[row + server] += 1
                        }
                        while view[row + server] > global[server] {
                            routers[balancer].release(server)
                            view[row + server] -= 1
                        }
                    }
                }
            }
        }
        replaying.removeAll(keepingCapacity: true)
        refreshes += 1
        quietRefreshes += 1
        if let refresh, quietRefreshes >= routers.count {
            // Every view is current: no refresh needs the log until the next change.
            log.removeAll(keepingCapacity: true)
            logStart = changeClock
            for index in refreshedUpTo.indices { refreshedUpTo[index] = changeClock }
            skipRefreshes(before: nextChange, period: refresh)
        }
        nextRefreshBalancer = refreshes % routers.count
        if let refresh { nextRefreshTime = refreshTime(refreshes, period: refresh) }
    }

    /// Fills `replaying` with the servers changed since change number `first` whose count in
    /// `balancer`'s view may differ from the global count, newest change first: from the log
    /// when it still holds change `first`, else every server whose view differs, sorted.
    private mutating func collectChangedServers(since first: UInt64, for balancer: Int) {
        if first >= logStart {
            let mark = refreshes + 1
            let oldest = Int(first - logStart)
            log.withUnsafeBufferPointer { log in
                seenIn.withUnsafeMutableBufferPointer { seenIn in
                    for index in (oldest..<log.count).reversed() where seenIn[Int(log[index])] != mark {
                        seenIn[Int(log[index])] = mark
                        replaying.append(log[index])
                    }
                }
            }
        } else {
            // Sorted as keys of the newest change's number above the server's, without a closure.
            let serverBits = UInt64.bitWidth - UInt64(max(1, serverCount - 1)).leadingZeroBitCount
            let row = balancer * serverCount
            sortKeys.removeAll(keepingCapacity: true)
            for server in 0..<serverCount where view[row + server] != global[server] {
                sortKeys.append(lastChange[server] << serverBits | UInt64(server))
            }
            sortKeys.sort(by: >)
            let serverMask = (UInt64(1) << serverBits) - 1
            for key in sortKeys { replaying.append(Int32(truncatingIfNeeded: key & serverMask)) }
        }
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
