// swift-tools-version: 6.2
// 6.2: the tests use exit tests (`#expect(processExitsWith:)`), new in Swift Testing 6.2.
import PackageDescription

let package = Package(
    name: "lbbench",
    // `Int128` (the reference model) first ships with these OSes (and `Synchronization`, which
    // the tests and the benchmarks use).
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "LoadBalancing", targets: ["LoadBalancing"]),
        // The harness, for the benchmark suites and for anyone measuring their own selector.
        .library(name: "LBHarness", targets: ["LBHarness"]),
        .library(name: "LBWorkloads", targets: ["LBWorkloads"]),
        .executable(name: "lbbench", targets: ["lbbench"]),
        // `lbbench live` on real sockets: its own product, so building `lbbench` never compiles SwiftNIO.
        .executable(name: "lbbench-live", targets: ["lbbench-live"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // `swift package generate-documentation --target LoadBalancing` (the DocC catalog); a plugin only: nothing is built with it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "LoadBalancing",
            dependencies: ["CFutex", "CThreadWord", "LBRandom", .product(name: "Atomics", package: "swift-atomics")],
            // Data structures check their invariants after every mutation in debug builds.
            swiftSettings: [.define("LOADBALANCING_INTERNAL_CHECKS", .when(configuration: .debug))]
        ),
        // The futex system call for `BlockingLock` (Swift cannot call the variadic syscall(2)).
        .target(name: "CFutex"),
        .target(name: "CThreadWord"),
        // The system zlib, to read `.json.gz` results files (`GzipDecoder`).
        .systemLibrary(name: "CZlib"),
        // The seeded generator behind every random choice: selectors, workloads, simulator, tests.
        .target(name: "LBRandom"),
        .target(name: "LBWorkloads", dependencies: ["LBRandom"]),
        .target(name: "LBReporting", dependencies: [.product(name: "Atomics", package: "swift-atomics")]),
        // A binary min-heap shared by the harness's event loop and the simulator.
        .target(name: "LBCollections"),
        .target(
            name: "LBHarness",
            dependencies: [
                "LoadBalancing",
                "LBRandom",
                "LBWorkloads",
                "LBReporting",
                "LBCollections",
                "CZlib",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(name: "LBCheck", dependencies: ["LoadBalancing", "LBRandom", "LBWorkloads", "LBReporting", "LBHarness"]),
        .target(name: "LBSimulation", dependencies: ["LoadBalancing", "LBRandom", "LBWorkloads", "LBReporting", "LBCollections"]),
        // How both executables report bad input: one line, exit status 64.
        .target(name: "LBCommandLine", dependencies: ["LBReporting", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "lbbench",
            dependencies: [
                "LBCommandLine",
                "LoadBalancing",
                "LBWorkloads",
                "LBReporting",
                "LBHarness",
                "LBCheck",
                "LBSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Real sockets on loopback: backends with a capacity model, a load generator, a proxy over
        // any selector, HAProxy and nginx side by side.
        .target(
            name: "LBLive",
            dependencies: [
                "LoadBalancing",
                "LBRandom",
                "LBWorkloads",
                "LBReporting",
                "LBSimulation",
                "LBCollections",
                "LBHarness",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "lbbench-live",
            dependencies: ["LBLive", "LBCommandLine", "LoadBalancing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `LBHarness` for its `StartGate`, the one start barrier.
        .testTarget(name: "LoadBalancingTests", dependencies: ["LoadBalancing", "LBRandom", "LBHarness"]),
        .testTarget(name: "LBRandomTests", dependencies: ["LBRandom"]),
        .testTarget(name: "LBWorkloadsTests", dependencies: ["LBWorkloads", "LBRandom"]),
        .testTarget(name: "LBReportingTests", dependencies: ["LBReporting"]),
        .testTarget(name: "LBCollectionsTests", dependencies: ["LBCollections"]),
        .testTarget(name: "LBHarnessTests", dependencies: ["LBHarness", "LBWorkloads", "LoadBalancing", "LBRandom"]),
        .testTarget(name: "LBCheckTests", dependencies: ["LBCheck", "LBHarness", "LoadBalancing"]),
        .testTarget(name: "LBSimulationTests", dependencies: ["LBSimulation", "LoadBalancing", "LBWorkloads", "LBRandom"]),
        // The command line in-process (parse and validate, no runs): the hostile-input suite.
        .testTarget(
            name: "lbbenchTests",
            dependencies: [
                "lbbench", "LBCheck", "LBCommandLine", "LBHarness", "LBReporting", "LBSimulation", "LBRandom",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LBLiveTests", dependencies: ["LBLive", "LoadBalancing", "LBWorkloads", "LBRandom"]),
    ],
    swiftLanguageModes: [.v6]
)
