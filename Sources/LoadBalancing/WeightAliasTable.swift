/// Walker's alias table over the servers' weights: one uniform index and one coin draw a server
/// with probability exactly proportional to its weight (to within 2⁻³² per server), with no
/// rejection loop and no branch on the outcome. `p2c` draws its first candidate with it.
///
/// The table has one *column* per server. Column `i` keeps `i` with some probability and
/// otherwise sends the draw to its *alias*, another server; a drained server (weight 0) keeps
/// nothing, so a draw never lands on one. Built by Vose's method in integers: server `i`
/// brings mass `wᵢ × n` into columns of capacity `W` (the total weight), each column filled by
/// at most two servers, so the probabilities are exact before they are rounded to 32 bits.
///
/// A column is one 64-bit word, the alias in the high half and the threshold in the low half
/// (keep `i` when the coin is below it), so that a lock-free reader loads a consistent pair
/// with one atomic load. A full column keeps `i` for every coin: its alias is `i` itself. With
/// equal weights every column is full, and a draw is the uniform index alone.
///
/// - Complexity: `columns` O(n) time and 16 bytes per server of scratch; `resolve` O(1).
/// - Note: Not thread-safe to build (a pure function); readers of a published table must
///   tolerate a column from an older table while a writer stores a new one (see
///   `P2CSelector`).
enum WeightAliasTable {
    /// The columns for `weights` (at least one positive; with none, every column is full and
    /// names its own server, which a caller rejects by its weight).
    ///
    /// - Complexity: O(n).
    static func columns(_ weights: [UInt32]) -> [UInt64] {
        let serverCount = weights.count
        // Every mass fits: weights are below 2³² and server counts below 2³¹.
        let total = weights.reduce(UInt64(0)) { $0 + UInt64($1) }
        var columns = (0..<serverCount).map { full($0) }
        guard total > 0 else { return columns }
        var mass = weights.map { UInt64($0) * UInt64(serverCount) }
        var small: [Int32] = []
        var large: [Int32] = []
        for server in 0..<serverCount {
            if mass[server] < total { small.append(Int32(server)) } else { large.append(Int32(server)) }
        }
        // Each step fills one small column from one large server. The unfilled columns always
        // hold exactly their count × `total` in mass, so both lists empty together, except for
        // large servers left with exactly `total`: those keep their full column.
        while let donor = large.last, let filled = small.popLast() {
            let server = Int(filled)
            columns[server] = column(keeping: threshold(mass[server], of: total), alias: Int(donor))
            mass[Int(donor)] -= total - mass[server]
            if mass[Int(donor)] < total {
                large.removeLast()
                small.append(donor)
            }
        }
        return columns
    }

    /// Whether every weight is the same positive number: then every column keeps its own
    /// server and a draw is the uniform index alone, which a caller can take without loading
    /// the column (1 ns of 17 per `p2c` pick, the column load in the draw's dependency chain).
    ///
    /// - Complexity: O(n).
    static func isUniform(_ weights: [UInt32]) -> Bool {
        guard let first = weights.first, first > 0 else { return false }
        return weights.allSatisfy { $0 == first }
    }

    /// The server a draw gives: `drawn` (the uniform index) if `coin` is below the column's
    /// threshold, else its alias. A conditional select, not a branch: the outcome is random.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func resolve(_ column: UInt64, drawn: Int, coin: UInt32) -> Int {
        keeps(column, coin: coin) ? drawn : alias(of: column)
    }

    /// Whether `coin` is below `column`'s threshold, so the draw keeps its uniform index.
    @inline(__always)
    private static func keeps(_ column: UInt64, coin: UInt32) -> Bool {
        coin < UInt32(truncatingIfNeeded: column)
    }

    /// The server `column` sends the draws it does not keep to.
    @inline(__always)
    private static func alias(of column: UInt64) -> Int {
        Int(truncatingIfNeeded: column >> 32)
    }

    /// The smallest table `resolve(_:drawn:coin:columns:)` resolves with a predicted branch
    /// instead of a select: 32,768 columns, where a farm's columns, weights and counts (16 bytes
    /// per server packed) outgrow a 512 KB L2 cache.
    static let predictedFromColumns = 32_768

    /// `resolve(_:drawn:coin:)` for a table of `columns` columns, in the form that is faster at
    /// its size. A draw keeps its uniform index 70% of the time with weights 1–4 repeating (at
    /// most Σ min(1, wᵢ / mean weight) ÷ n, 80% there). A select makes everything after the draw
    /// wait for the column; in a table that misses the cache that wait is a second miss in a
    /// row, where a branch predicted to keep lets the drawn server's weight and count load
    /// beside the column (the draws that take the alias still cost more: a misprediction that
    /// resolves only when the column arrives). Measured
    /// (`p2c` with weights 1–4, pick + release, one thread, Zen 3 VM, 11 interleaved rounds,
    /// ns, select → branch): 23.2 → 24.6 at 4,096 servers, 24.8 → 25.7 at 16,384, 31.6 → 32.0
    /// at 32,768, 42.1 → 34.7 at 65,536, 47.1 → 36.8 at 100,000; 19.4 → 21.1 at 8 servers.
    /// Both forms give the same server.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func resolve(_ column: UInt64, drawn: Int, coin: UInt32, columns: Int) -> Int {
        guard columns >= predictedFromColumns else { return resolve(column, drawn: drawn, coin: coin) }
        if _fastPath(keeps(column, coin: coin)) { return drawn }
        return alias(of: column)
    }

    /// A column that keeps `server` for every coin.
    private static func full(_ server: Int) -> UInt64 {
        column(keeping: UInt32.max, alias: server)
    }

    private static func column(keeping threshold: UInt32, alias: Int) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: alias)) << 32 | UInt64(threshold)
    }

    /// ⌊mass × 2³² ÷ total⌋, for mass < total: the coin values below it keep the column's server.
    private static func threshold(_ mass: UInt64, of total: UInt64) -> UInt32 {
        let scaled = (high: mass >> 32, low: mass << 32)
        return UInt32(truncatingIfNeeded: total.dividingFullWidth(scaled).quotient)
    }
}
