// swift-tools-version:6.0
// HiCLR data pipeline and trainer. The target order follows the pipeline:
// Raw readers → Preprocess → Shards → Augment → Loader → TensorModule/Models → Train → CLI.
import PackageDescription

/// The numeric kernels are optimised in debug builds too: unoptimised Swift loops are 10–50× slower, which
/// would make the training tests (real pretraining runs on small data) take many minutes.
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "hiclr-swift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hiclr", targets: ["hiclr"]),
        // The loader's C ABI for Python (python/hiclr/include/hiclr_loader.h): libHiCLRLoaderC.so.
        .library(name: "HiCLRLoaderC", type: .dynamic, targets: ["LoaderC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, each touched in exactly one Swift module.
        .systemLibrary(name: "CHDF5", path: "Sources/C/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/C/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/C/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/C/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        // Not a library: the project's own C kernels (AVX2 forms of Swift kernels, picked at run time, and an
        // inline whole-vector square root), bit-identical to the Swift code they stand in for.
        .target(name: "CKernels", path: "Sources/C/CKernels"),

        // Typed wrappers over the C libraries.
        .target(name: "HDF5", dependencies: ["CHDF5", "CDeflate"]),
        .target(name: "BLASModule", dependencies: ["CBLAS"]),
        .target(name: "Render", dependencies: ["CCairo", "SkeletonCore"]),

        // The data pipeline.
        .target(name: "SkeletonCore"),
        // The one counter-based random family (Philox4x32-10 keyed by seed, epoch, sample, branch, stage), below
        // Augment, Loader and the engine.
        // The one Swift module that calls the C kernels: which implementation runs, and typed entry points.
        .target(name: "FastKernels", dependencies: ["CKernels"]),
        .target(name: "CounterRandom", dependencies: ["FastKernels"], swiftSettings: optimizedEvenInDebug),
        .target(name: "RawData", dependencies: ["SkeletonCore"]),
        .target(name: "Preprocess", dependencies: ["SkeletonCore", "RawData"]),
        .target(name: "Shards", dependencies: ["SkeletonCore", "HDF5",
                                               .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Convert", dependencies: ["SkeletonCore", "RawData", "Preprocess", "Shards"]),
        .target(name: "Export", dependencies: ["SkeletonCore", "Shards"]),
        // PYSKL annotation pickles both ways, through the Python package (python/hiclr/pyskl.py).
        .target(name: "PYSKL", dependencies: ["SkeletonCore", "RawData", "Convert", "HDF5", "Shards"]),
        .target(name: "YAMLFiles", dependencies: ["SkeletonCore", "Yams"]),
        // The shipped pipelines/ and configs/ as resources, found by name from any folder. Each resource target's
        // folder holds a symbolic link to the repository folder (the only copy); `.process` follows the link.
        .target(name: "ShippedPipelines", resources: [.process("pipelines")]),
        .target(name: "ShippedConfigs", resources: [.process("configs")]),
        .target(name: "ShippedFiles", dependencies: ["SkeletonCore", "ShippedPipelines", "ShippedConfigs"]),
        .target(name: "Augment", dependencies: ["SkeletonCore", "CounterRandom", "FastKernels", "YAMLFiles", "ShippedFiles"]),
        .target(name: "Loader", dependencies: ["SkeletonCore", "CounterRandom", "Shards", "Augment",
                                               .product(name: "Crypto", package: "swift-crypto")]),

        // The trainer.
        .target(name: "TensorModule", dependencies: ["BLASModule", "CounterRandom"], swiftSettings: optimizedEvenInDebug),
        .target(name: "Models", dependencies: ["TensorModule", "CounterRandom", "SkeletonCore"], swiftSettings: optimizedEvenInDebug),
        .target(name: "Train", dependencies: ["SkeletonCore", "CounterRandom", "Shards", "Augment", "Loader", "TensorModule", "Models", "HDF5",
                                              "YAMLFiles", .product(name: "Crypto", package: "swift-crypto")]),

        .target(name: "Dump", dependencies: ["SkeletonCore", "Augment", "HDF5", "Render"]),

        .target(name: "LoaderC", dependencies: ["Loader", "Augment", "Shards", "SkeletonCore"]),

        // The measuring code of `hiclr bench` (timing loops, baselines, replicated inputs), one file per benchmark.
        .target(name: "Bench", dependencies: ["SkeletonCore", "RawData", "Preprocess", "Convert", "Export", "HDF5", "Shards",
                                              "Augment", "Loader", "BLASModule", "CounterRandom", "TensorModule", "Models"]),

        .executableTarget(name: "hiclr", dependencies: [
            "SkeletonCore", "RawData", "Preprocess", "Shards", "Convert", "Export", "PYSKL", "Augment", "Loader",
            "TensorModule", "Train", "ShippedFiles", "CounterRandom", "FastKernels", "Dump", "Bench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(name: "TensorTestSupport", dependencies: ["TensorModule"], path: "Tests/TensorTestSupport"),
        .testTarget(name: "SkeletonCoreTests", dependencies: ["SkeletonCore"]),
        .testTarget(name: "DumpTests", dependencies: ["Dump", "Augment", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "YAMLFilesTests", dependencies: ["YAMLFiles", "SkeletonCore"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "RawDataTests", dependencies: ["RawData", "SkeletonCore"]),
        .testTarget(name: "PreprocessTests", dependencies: ["Preprocess", "RawData", "SkeletonCore"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ShardsTests", dependencies: ["Shards", "HDF5", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "ConvertTests", dependencies: ["Convert", "Shards", "RawData", "Preprocess", "SkeletonCore", "TestSupport", "HDF5"]),
        .testTarget(name: "PYSKLTests", dependencies: ["PYSKL", "Convert", "Preprocess", "RawData", "HDF5", "Shards", "SkeletonCore",
                                                    "TestSupport"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Convert", "Shards", "RawData", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "AugmentTests", dependencies: ["Augment", "CounterRandom", "SkeletonCore", "YAMLFiles", "TestSupport", "FastKernels"],
                    resources: [.copy("Golden")]),
        // Optimised even in debug: LogFTests compares every one of 385,875,968 inputs.
        .testTarget(name: "CounterRandomTests", dependencies: ["CounterRandom", "FastKernels"], swiftSettings: optimizedEvenInDebug),
        .testTarget(name: "LoaderTests", dependencies: ["Loader", "Shards", "Augment", "SkeletonCore"]),
        .testTarget(name: "TensorTests", dependencies: ["TensorModule", "CounterRandom", "TensorTestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TensorModule", "CounterRandom", "TensorTestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "Augment", "Loader", "RawData", "Shards", "SkeletonCore", "TensorModule",
                                                    "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["hiclr", "ShippedFiles", "TestSupport"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Models", "TensorModule", "Shards", "Loader", "Augment", "SkeletonCore", "HDF5",
                                                    "CounterRandom", "ShippedFiles", "TestSupport", "TensorTestSupport"],
                    exclude: ["Fixtures", "Golden"]),
        // Issue 13: alias bombs, seeded mutation fuzzing, kill -9 fault injection and damage detection.
        .testTarget(name: "ReliabilityTests", dependencies: ["YAMLFiles", "Yams", "SkeletonCore", "RawData", "Shards",
                                                          "Augment", "Loader", "Train", "TestSupport"],
                    swiftSettings: optimizedEvenInDebug),
    ],
    swiftLanguageModes: [.v5]
)
