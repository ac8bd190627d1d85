import LBRandom
import LBReporting
import LBWorkloads
import LoadBalancing

/// The discrete-event loop of one run: arrivals, completions, load samples and view refreshes,
/// taken in time order, with every measurement kept on the way.
///
/// The next event is the earliest of four: the completion at the top of the
/// `CompletionQueue`, the next arrival, the next load sample and the next refresh (the last
/// three are single streams, so they need no queue). Ties go in that order. Between events
/// the number of requests in the farm is constant, so its time integral (for Little's law) is
/// a sum of rectangles.
///
/// Requests are numbered in arrival order. The first `warmupJobs` warm the farm up; the next
/// `jobs` are measured; arrivals continue after them, unmeasured, until every measured
/// request has completed, so the last measured requests see a farm in steady state rather
/// than one draining. That tail is capped at as many requests as the run itself: a stable farm
/// never gets near the cap, while an overloaded one (round robin ignoring weights, say) would
/// otherwise keep a processor-sharing server's last requests crawling for ever; when the cap
/// is hit, arrivals stop, the farm drains, and the result says so (`truncatedTail`).
///
/// Load samples are periodic in simulated time, but the farm does not change between events,
/// so every sample point up to the next event is taken at once (`sampleLoad`): the cost grows
/// with the number of requests, never with the simulated time (a long think time, say).
///
/// - Complexity: O(log n + pick) per request, plus O(n) per load sample, taken at most once per
///   event and about once per n expected arrivals. Memory: O(n) plus the requests inside, plus
///   2 × 160 KiB of histograms.
/// - Note: Not thread-safe; a run is confined to the thread that calls `run()`.
struct Engine<Server: ServerModel, R: Router> {
    private enum Phase { case warmingUp, measuring, finishing }

    private let configuration: SimulationConfiguration
    private let routerName: String
    private let speeds: [Double]
    private var servers: [Server]
    private var completions: CompletionQueue
    private var balancers: BalancerViews<R>
    private var arrivals: ArrivalProcess
    private let sizes: DurationDistribution
    private var sizeRandom: SplitMix64
    private let firstMeasured: Int
    private let endOfMeasured: Int
    /// No request arrives once this many have: the tail cap (`SimulationConfiguration.arrivalCap`).
    private let endOfArrivals: Int
    /// Whether the cap held an arrival back.
    private var truncatedTail = false

    private var now = 0.0
    private var inSystem = 0
    private var issued = 0
    private var measuredDone = 0
    private var phase = Phase.warmingUp

    // The measurement window.
    private var windowStart = 0.0
    private var windowEnd = 0.0
    /// ∫ requests-in-farm dt since the window opened (frozen when it closes).
    private var area = 0.0
    private var busyTotal: [Double]
    private var busySince: [Double]
    private var busyAtStart: [Double]
    private var utilization: [Double] = []
    private var peak: [Int]
    private var peakAtEnd: [Int] = []
    private var assignments: [Int]
    /// Per server: ∫ requests held dt since the window opened (frozen when it closes), brought
    /// up to date only when the server's count changes (`accrueHeld`), so O(1) per event.
    private var heldArea: [Double]
    /// Per server: when `heldArea` was last brought up to date.
    private var heldSince: [Double]

    // Per-request measurements.
    private var responses = LogHistogram()
    /// Responses of requests of at most the mean size (1) and of larger ones.
    private var shortResponses = SizeClassHistogram()
    private var longResponses = SizeClassHistogram()
    private var slowdowns = LogHistogram()
    private var responseBatches: BatchMeans
    private var slowdownBatches: BatchMeans
    private var responseSum = 0.0
    private var slowdownSum = 0.0
    /// Time earlier requests spent in the farm after the window opened.
    private var boundaryBefore = 0.0
    /// Time measured requests spent in the farm after the window closed.
    private var boundaryAfter = 0.0
    /// Warm-up requests in the farm now. Those still inside when the run ends straddle the
    /// whole window: each is counted in `L` for all of it but never completes to add its
    /// share to `boundaryBefore`, so `result()` adds it.
    private var earlierInFarm = 0

    // Load samples for the fairness figures.
    private let samplePeriod: Double
    private var nextSample = Double.infinity
    /// Sample points counted, with their multiplicity (a Double: a long quiet spell may hold
    /// more points than an Int counts).
    private var samples = 0.0
    private var jainLoadSum = 0.0
    private var peakToMeanSum = 0.0

    init(configuration: SimulationConfiguration, routerName: String, routers: [R]) {
        self.configuration = configuration
        self.routerName = routerName
        let serverCount = configuration.weights.count
        speeds = configuration.weights.map(Double.init)
        servers = speeds.map { Server(speed: $0) }
        completions = CompletionQueue(serverCount: serverCount)
        let seeds = SeedStreams(seed: configuration.seed)
        balancers = BalancerViews(
            routers: routers, serverCount: serverCount, refresh: configuration.refresh, seed: seeds.balancerChoice
        )
        arrivals = ArrivalProcess(traffic: configuration.traffic, totalSpeed: configuration.totalSpeed, seed: seeds.arrivals)
        sizes = configuration.sizes.distribution
        sizeRandom = SplitMix64(seed: seeds.sizes)
        firstMeasured = configuration.warmupJobs
        endOfMeasured = configuration.warmupJobs + configuration.jobs
        endOfArrivals = configuration.arrivalCap
        busyTotal = Array(repeating: 0, count: serverCount)
        busySince = busyTotal
        busyAtStart = busyTotal
        peak = Array(repeating: 0, count: serverCount)
        assignments = peak
        heldArea = Array(repeating: 0, count: serverCount)
        heldSince = heldArea
        responseBatches = BatchMeans(batches: configuration.batches)
        slowdownBatches = responseBatches
        // About one sample per n arrivals keeps sampling O(1) per request. A closed population
        // sends at most N / Z requests per time unit however fast the farm is.
        samplePeriod = Double(serverCount) / (configuration.arrivalRate ?? configuration.closedArrivalRateBound)
    }

    mutating func run() -> SimulationResult {
        while phase != .finishing || measuredDone < configuration.jobs {
            let (server, completion) = completions.top
            let capped = issued == endOfArrivals
            let arrival = capped ? .infinity : arrivals.nextTime
            let refresh = balancers.nextRefreshTime
            // The tail is truncated only if an arrival was held back before an event still to
            // come, not merely because the cap was reached.
            if capped && arrivals.nextTime < min(completion, nextSample, refresh) { truncatedTail = true }
            if completion <= arrival && completion <= nextSample && completion <= refresh {
                complete(server, at: completion)
            } else if arrival <= nextSample && arrival <= refresh {
                arrive(at: arrival)
            } else if nextSample <= refresh {
                sampleLoad(beforeEventAt: min(completion, arrival))
            } else {
                advance(to: refresh)
                balancers.refreshNext(nextChangeAt: min(completion, arrival))
            }
        }
        return result()
    }

    private mutating func advance(to time: Double) {
        if phase == .measuring { area += Double(inSystem) * (time - now) }
        now = time
    }

    private mutating func arrive(at time: Double) {
        advance(to: time)
        let sequence = issued
        issued += 1
        if sequence == firstMeasured { openWindow() }
        if sequence == endOfMeasured { closeWindow() }
        let size = sizes.sample(using: &sizeRandom)
        let balancer = balancers.chooseBalancer()
        let server = balancers.pick(through: balancer)
        if sequence < firstMeasured { earlierInFarm += 1 }
        if sequence >= firstMeasured && sequence < endOfMeasured { assignments[server] += 1 }
        accrueHeld(server)
        servers[server].admit(Job(arrival: time, size: size, sequence: UInt32(sequence), balancer: Int32(balancer)), at: time)
        inSystem += 1
        let count = servers[server].count
        if count == 1 { busySince[server] = time }
        if count > peak[server] { peak[server] = count }
        completions.update(server, to: servers[server].nextCompletion)
        arrivals.arrived(at: time)
    }

    private mutating func complete(_ server: Int, at time: Double) {
        advance(to: time)
        accrueHeld(server)
        let job = servers[server].completeNext(at: time)
        inSystem -= 1
        if servers[server].count == 0 { busyTotal[server] += time - busySince[server] }
        completions.update(server, to: servers[server].nextCompletion)
        balancers.release(server, through: Int(job.balancer))
        arrivals.completed(at: time)

        let sequence = Int(job.sequence)
        if sequence < firstMeasured {
            earlierInFarm -= 1
            if phase != .warmingUp { boundaryBefore += (phase == .finishing ? min(time, windowEnd) : time) - windowStart }
        } else if sequence < endOfMeasured {
            let response = time - job.arrival
            let slowdown = response * speeds[server] / job.size
            let batch = (sequence - firstMeasured) * configuration.batches / configuration.jobs
            responses.record(response)
            if job.size <= 1 {
                shortResponses.record(response, slowdown: slowdown)
            } else {
                longResponses.record(response, slowdown: slowdown)
            }
            slowdowns.record(slowdown)
            responseBatches.add(response, toBatch: batch)
            slowdownBatches.add(slowdown, toBatch: batch)
            responseSum += response
            slowdownSum += slowdown
            if phase == .finishing && time > windowEnd { boundaryAfter += time - windowEnd }
            measuredDone += 1
        }
    }

    private mutating func openWindow() {
        phase = .measuring
        windowStart = now
        busyAtStart = busyUpToNow()
        for server in servers.indices {
            peak[server] = servers[server].count
            heldSince[server] = now
        }
        nextSample = now + samplePeriod
    }

    private mutating func closeWindow() {
        for server in servers.indices { accrueHeld(server) }
        phase = .finishing
        windowEnd = now
        let length = windowEnd - windowStart
        utilization = zip(busyUpToNow(), busyAtStart).map { length > 0 ? ($0 - $1) / length : 0 }
        peakAtEnd = peak
        nextSample = .infinity
    }

    /// Adds what `server` held since `heldSince` to its `heldArea`, while the window is open;
    /// called before its count changes and once more for every server when the window closes.
    private mutating func accrueHeld(_ server: Int) {
        guard phase == .measuring else { return }
        heldArea[server] += Double(servers[server].count) * (now - heldSince[server])
        heldSince[server] = now
    }

    private func busyUpToNow() -> [Double] {
        servers.indices.map { busyTotal[$0] + (servers[$0].count > 0 ? now - busySince[$0] : 0) }
    }

    /// Takes the sample due at `nextSample` and, with it, every later sample point before
    /// `nextEvent` (the next completion or arrival): the farm is the same at all of them.
    private mutating func sampleLoad(beforeEventAt nextEvent: Double) {
        advance(to: nextSample)
        var points = 1.0
        if nextEvent.isFinite {
            var later = ((nextEvent - nextSample) / samplePeriod).rounded(.down)
            if later > 0 && nextSample + later * samplePeriod >= nextEvent { later -= 1 }
            points += max(0, later)
        }
        // An empty farm has no load to be unfair about; such samples are left out.
        var loads = Fairness.Sums()
        for server in servers.indices { loads.add(Double(servers[server].count) / speeds[server]) }
        if loads.total > 0 {
            jainLoadSum += points * loads.jainIndex
            peakToMeanSum += points * loads.peakToMean
            samples += points
        }
        nextSample += points * samplePeriod
    }

    private func result() -> SimulationResult {
        let length = windowEnd - windowStart
        let jobs = Double(configuration.jobs)
        let fairShares = zip(assignments, speeds).map { Double($0) / $1 }
        return SimulationResult(
            selector: routerName + (configuration.unweighted ? " (unweighted)" : ""),
            configuration: configuration,
            meanResponse: responseSum / jobs,
            responsePercentiles: .init(responses.percentiles(SimulationResult.Percentiles.quantiles)),
            maxResponse: responses.maximum,
            shortResponse: shortResponses.summary,
            longResponse: longResponses.summary,
            responseBatches: responseBatches.summary,
            meanSlowdown: slowdownSum / jobs,
            slowdownPercentiles: .init(slowdowns.percentiles(SimulationResult.Percentiles.quantiles)),
            slowdownBatches: slowdownBatches.summary,
            shortMeanSlowdown: shortResponses.meanSlowdown,
            longMeanSlowdown: longResponses.meanSlowdown,
            throughput: jobs / length,
            utilization: utilization,
            peakQueue: peakAtEnd,
            assignments: assignments,
            meanInFlight: heldArea.map { length > 0 ? $0 / length : 0 },
            fairness: .init(
                jainAssignments: Fairness.jainIndex(fairShares),
                jainLoad: samples > 0 ? jainLoadSum / samples : 1,
                peakToMeanLoad: samples > 0 ? peakToMeanSum / samples : 1
            ),
            littlesLaw: .init(
                meanInSystem: area / length,
                arrivalRateTimesMeanResponse: responseSum / length,
                before: (boundaryBefore + Double(earlierInFarm) * length) / length,
                after: boundaryAfter / length
            ),
            windowLength: length,
            simulatedRequests: issued,
            truncatedTail: truncatedTail
        )
    }
}
