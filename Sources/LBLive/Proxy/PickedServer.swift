import LoadBalancing

/// A server the proxy picked for one request, released exactly once: on the response's end,
/// or on whichever error or close comes first; later calls do nothing.
///
/// - Note: Not thread-safe: owned by the downstream connection's event loop.
final class PickedServer {
    let server: ServerID
    private let selector: any ServerSelector
    private(set) var isReleased = false

    init(_ server: ServerID, of selector: any ServerSelector) {
        self.server = server
        self.selector = selector
    }

    func release() {
        guard !isReleased else { return }
        isReleased = true
        selector.release(server)
    }
}
