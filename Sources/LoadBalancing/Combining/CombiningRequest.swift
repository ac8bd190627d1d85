/// A request word of `CombiningSelector`'s slots: its low two bits say what it holds, the
/// high bits carry a server (a release) or an answer (a pick).
@usableFromInline
enum CombiningRequest {
    /// The slot is free.
    @inlinable static var empty: UInt64 { 0 }
    /// A pick is waiting.
    @inlinable static var pick: UInt64 { 1 }
    /// A release of the server in the high bits is waiting.
    @inlinable static var releaseTag: UInt64 { 2 }
    /// The answer is ready: a pick's server + 1 in the high bits (0 for `nil`).
    @inlinable static var doneTag: UInt64 { 3 }

    @inlinable static func release(_ server: Int) -> UInt64 { UInt64(server) << 2 | releaseTag }
    @inlinable static func done(_ answer: UInt64) -> UInt64 { answer << 2 | doneTag }
    @inlinable static func isPending(_ word: UInt64) -> Bool { word & 3 == pick || word & 3 == releaseTag }
}
