// swift-tools-version: 6.2
// The exact policies' cost alone (no lock, no harness): a small release executable built
// against the LoadBalancing library of the checkout at $LBBENCH_CHECKOUT (default: this
// repository). `scripts/policy-cost.sh` builds it against two commits and interleaves them.
import Foundation
import PackageDescription

let checkout = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["LBBENCH_CHECKOUT"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").path
).standardized
let package = Package(
    name: "policy-cost",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: checkout.path)],
    targets: [
        .executableTarget(
            name: "policy-cost",
            dependencies: [.product(name: "LoadBalancing", package: checkout.lastPathComponent)]
        )
    ]
)
