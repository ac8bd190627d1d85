/// A processor-sharing server: with `k` requests inside, each progresses at `speed / k`
/// (`ProcessorSharing`, in virtual time, each request's work its size).
///
/// - Complexity: admit and completion O(log k). Memory: 32 bytes per request inside.
/// - Note: Not thread-safe.
struct ProcessorSharingServer: ServerModel {
    private var queue: ProcessorSharing<Job>

    init(speed: Double) {
        queue = ProcessorSharing(speed: speed)
    }

    var count: Int { queue.count }
    var nextCompletion: Double { queue.nextCompletion }

    mutating func admit(_ job: Job, at now: Double) {
        queue.admit(job, work: job.size, at: now)
    }

    mutating func completeNext(at now: Double) -> Job {
        queue.completeNext(at: now)
    }
}
