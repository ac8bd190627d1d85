#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few C math functions the simulation needs, in one place, so the module does without
/// Foundation. (At file scope the names below resolve to the C library's.)
///
/// - Note: Thread-safe: none of them touches global state.
enum LibM {
    static func log(_ x: Double) -> Double { cLog(x) }
    static func log10(_ x: Double) -> Double { cLog10(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
    static func exp(_ x: Double) -> Double { cExp(x) }
    static func logGamma(_ x: Double) -> Double { cLogGamma(x) }
}

private func cLog(_ x: Double) -> Double { log(x) }
private func cLog10(_ x: Double) -> Double { log10(x) }
private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
private func cExp(_ x: Double) -> Double { exp(x) }
/// `lgamma_r`, not `lgamma`: `lgamma` stores the sign of Γ(x) in the C library's global
/// `signgam`, a data race when several threads compute statistics at once.
private func cLogGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}
