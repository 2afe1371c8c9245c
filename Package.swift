// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "hotfix",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotfix", targets: ["hotfix"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        // HTTP/1.1 over kubectl proxy's Unix socket (the runtime) and the simulated API server.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // The log pipeline: parsing, counters, latency, templates, the verdict, the sanitizer. Pure, Foundation only.
        .target(name: "HotfixLogs", swiftSettings: strict),
        .target(name: "HotfixEngine", dependencies: ["HotfixLogs"], swiftSettings: strict),
        .target(
            name: "HotfixRuntime",
            dependencies: [
                "HotfixEngine", "HotfixLogs",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The use cases of each phase (incident, git, test and checks, deploy, close): the CLI and the console both call them.
        .target(name: "HotfixWorkflow", dependencies: ["HotfixEngine", "HotfixRuntime"], swiftSettings: strict),
        // A simulated Kubernetes API server and cluster that the real kubectl talks to (tests, demo).
        .target(
            name: "HotfixSim",
            dependencies: [
                "HotfixEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "HotfixScreen", dependencies: ["HotfixEngine"], swiftSettings: strict),
        // The console's controller: model, update, key map, jobs as messages.
        .target(name: "HotfixConsole", dependencies: ["HotfixEngine", "HotfixLogs", "HotfixScreen", "HotfixWorkflow"], swiftSettings: strict),
        .target(name: "HotfixTerminal", dependencies: ["CNcurses", "HotfixScreen"], swiftSettings: strict),
        .executableTarget(
            name: "hotfix",
            dependencies: [
                "HotfixEngine", "HotfixLogs", "HotfixRuntime", "HotfixWorkflow", "HotfixScreen", "HotfixConsole", "HotfixTerminal", "HotfixSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // Theme files are read with Yams here; HotfixScreen gets a parsed Theme.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Temp git repositories with a bare origin, and the real binary, for every test target.
        .target(name: "HotfixTestSupport", dependencies: ["HotfixEngine"], path: "Tests/HotfixTestSupport", swiftSettings: strict),
        .testTarget(name: "HotfixLogsTests", dependencies: ["HotfixLogs"], swiftSettings: strict),
        .testTarget(name: "HotfixEngineTests", dependencies: ["HotfixEngine", "HotfixLogs"], exclude: ["Golden", "Fixtures"], swiftSettings: strict),
        .testTarget(name: "HotfixRuntimeTests", dependencies: ["HotfixRuntime", "HotfixLogs", "HotfixSim", "HotfixTestSupport"], swiftSettings: strict),
        .testTarget(name: "HotfixWorkflowTests", dependencies: ["HotfixWorkflow", "HotfixTestSupport"], swiftSettings: strict),
        .testTarget(name: "HotfixScreenTests", dependencies: ["HotfixScreen"], swiftSettings: strict),
        .testTarget(name: "HotfixConsoleTests", dependencies: ["HotfixConsole", "HotfixScreen", "HotfixLogs"], resources: [.copy("Golden")], swiftSettings: strict),
        // Depends on the executable so `swift test` always builds the binary it drives.
        .testTarget(name: "HotfixCLITests", dependencies: ["hotfix", "HotfixLogs", "HotfixRuntime", "HotfixWorkflow", "HotfixConsole", "HotfixScreen", "HotfixSim", "HotfixTestSupport"], swiftSettings: strict),
    ]
)
