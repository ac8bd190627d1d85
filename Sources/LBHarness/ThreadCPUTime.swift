#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time consumed by the calling thread, in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`).
///
/// Workers read it at the start and end of their measured loop: their CPU time over the
/// wall time says how many of them really ran at once. On a shared machine two workers can
/// both be inside their loops while the scheduler time-slices them on one core; then locks
/// are rarely found held and contention is understated.
///
/// - Note: Thread-safe; each thread reads its own clock. One read is a system call (about
///   100 ns to 1 µs), so it is never called inside the timed loop.
public enum ThreadCPUTime {
    public static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
