/// What a selector row of the SingleThread or Contention suite measures; each suite registers
/// its own row of each shape (one thread, or two at once).
public enum RowShape: Sendable {
    /// Pick + release pairs on a fresh selector (SingleThread: `pickAndReleaseRow`;
    /// Contention: `twoThreads`).
    case pickAndRelease
    /// A million picks and releases (a thread) under load on a warmed selector (SingleThread:
    /// `steadyStateRow`; Contention: `twoThreadsSteady`).
    case steadyState
}
