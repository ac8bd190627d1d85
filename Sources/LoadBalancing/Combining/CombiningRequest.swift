/// A request word of `CombiningSelector`'s slots: its low two bits say what it holds, the
/// high bits carry a server (a release) or an answer (a pick).
enum CombiningRequest {
    /// The slot is free.
    static let empty: UInt64 = 0
    /// A pick is waiting.
    static let pick: UInt64 = 1
    /// A release of the server in the high bits is waiting.
    static let releaseTag: UInt64 = 2
    /// The answer is ready: a pick's server + 1 in the high bits (0 for `nil`).
    static let doneTag: UInt64 = 3

    static func release(_ server: Int) -> UInt64 { UInt64(server) << 2 | releaseTag }
    static func done(_ answer: UInt64) -> UInt64 { answer << 2 | doneTag }
    static func isPending(_ word: UInt64) -> Bool { word & 3 == pick || word & 3 == releaseTag }
}
