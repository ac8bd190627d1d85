// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "lbbench",
    products: [
        .library(name: "LoadBalancing", targets: ["LoadBalancing"]),
        .executable(name: "lbbench", targets: ["lbbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "LoadBalancing",
            dependencies: [.product(name: "Atomics", package: "swift-atomics")]
        ),
        .target(name: "LBWorkloads", dependencies: ["LoadBalancing"]),
        .target(name: "LBSimulation", dependencies: ["LoadBalancing", "LBWorkloads"]),
        .executableTarget(
            name: "lbbench",
            dependencies: [
                "LoadBalancing",
                "LBWorkloads",
                "LBSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LoadBalancingTests", dependencies: ["LoadBalancing"]),
        .testTarget(name: "LBWorkloadsTests", dependencies: ["LBWorkloads"]),
        .testTarget(name: "LBSimulationTests", dependencies: ["LBSimulation", "LoadBalancing", "LBWorkloads"]),
    ],
    swiftLanguageModes: [.v6]
)
