// swift-tools-version: 6.1
import PackageDescription

// The benchmark suites live in their own package, which depends on the project at `../`,
// so that building the project never needs the benchmark plugin or its malloc interposer.
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "lbbench", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SingleThread",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LoadBalancing", package: "lbbench"),
            ],
            path: "Benchmarks/SingleThread",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Contention",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LoadBalancing", package: "lbbench"),
                .product(name: "LBHarness", package: "lbbench"),
            ],
            path: "Benchmarks/Contention",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Fairness",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LoadBalancing", package: "lbbench"),
                .product(name: "LBHarness", package: "lbbench"),
                .product(name: "LBWorkloads", package: "lbbench"),
            ],
            path: "Benchmarks/Fairness",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
