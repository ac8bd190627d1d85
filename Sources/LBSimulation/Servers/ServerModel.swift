/// A simulated server: holds the requests routed to it and says when the next one completes.
///
/// Conformers are the service disciplines (`ProcessorSharingServer`, `FirstComeFirstServedServer`);
/// the engine is generic over them so each discipline's loop is specialised.
protocol ServerModel {
    /// A server of the given speed, empty.
    init(speed: Double)
    /// Requests in the server, in service or waiting.
    var count: Int { get }
    /// When the next request completes if nothing else arrives; `+infinity` when empty.
    var nextCompletion: Double { get }
    /// Takes a request in at time `now`.
    mutating func admit(_ job: Job, at now: Double)
    /// Removes and returns the request that completes at `now`, which must be `nextCompletion`.
    mutating func completeNext(at now: Double) -> Job
}
