// swift-tools-version: 6.2
import PackageDescription

// The benchmark suites live in their own package, which depends on the project at `../`,
// so that building the project never needs the benchmark plugin or its malloc interposer.

/// A package-benchmark suite: an executable target in `Benchmarks/<name>` run by the plugin.
func suite(_ name: String, using products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark"), "BenchmarkSupport"]
            + products.map { .product(name: $0, package: "lbbench") },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "lbbench", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What more than one suite uses: the steady-state rows' held connections, the rows' duration.
        .target(name: "BenchmarkSupport", dependencies: [.product(name: "LoadBalancing", package: "lbbench")], path: "Support"),
        suite("SingleThread", using: ["LoadBalancing"]),
        suite("Contention", using: ["LoadBalancing", "LBHarness"]),
        suite("Fairness", using: ["LoadBalancing", "LBHarness", "LBWorkloads"]),
    ],
    swiftLanguageModes: [.v6]
)
