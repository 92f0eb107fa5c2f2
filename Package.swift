// swift-tools-version:6.0
// HiCLR data pipeline and trainer. The target order follows the pipeline:
// Raw readers → Preprocess → Shards → Augment → Loader → Tensor/Models → Train → CLI.
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

        // Typed wrappers over the C libraries.
        .target(name: "HDF5", dependencies: ["CHDF5", "CDeflate"]),
        .target(name: "BLAS", dependencies: ["CBLAS"]),
        .target(name: "Render", dependencies: ["CCairo", "SkeletonCore"]),

        // The data pipeline.
        .target(name: "SkeletonCore"),
        .target(name: "RawData", dependencies: ["SkeletonCore"]),
        .target(name: "Preprocess", dependencies: ["SkeletonCore", "RawData"]),
        .target(name: "Shards", dependencies: ["SkeletonCore", "HDF5",
                                               .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Convert", dependencies: ["SkeletonCore", "RawData", "Preprocess", "Shards"]),
        .target(name: "Export", dependencies: ["SkeletonCore", "Shards"]),
        .target(name: "YAMLFiles", dependencies: ["SkeletonCore", "Yams"]),
        // The shipped pipelines/ and configs/ as resources, found by name from any folder. Each resource target's
        // folder holds a symbolic link to the repository folder (the only copy); `.process` follows the link.
        .target(name: "ShippedPipelines", resources: [.process("pipelines")]),
        .target(name: "ShippedConfigs", resources: [.process("configs")]),
        .target(name: "ShippedFiles", dependencies: ["SkeletonCore", "ShippedPipelines", "ShippedConfigs"]),
        .target(name: "Augment", dependencies: ["SkeletonCore", "YAMLFiles", "ShippedFiles"]),
        .target(name: "Loader", dependencies: ["SkeletonCore", "Shards", "Augment",
                                               .product(name: "Crypto", package: "swift-crypto")]),

        // The trainer.
        .target(name: "Tensor", dependencies: ["BLAS"], swiftSettings: optimizedEvenInDebug),
        .target(name: "Models", dependencies: ["Tensor", "SkeletonCore"], swiftSettings: optimizedEvenInDebug),
        .target(name: "Train", dependencies: ["SkeletonCore", "Shards", "Augment", "Loader", "Tensor", "Models", "HDF5",
                                              "YAMLFiles"]),

        .target(name: "LoaderC", dependencies: ["Loader", "Augment", "Shards", "SkeletonCore"]),

        .executableTarget(name: "hiclr", dependencies: [
            "SkeletonCore", "RawData", "Preprocess", "Shards", "Convert", "Export", "Augment", "Loader",
            "BLAS", "Tensor", "Models", "Train", "Render", "HDF5", "ShippedFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SkeletonCoreTests", dependencies: ["SkeletonCore"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "YAMLFilesTests", dependencies: ["YAMLFiles", "SkeletonCore"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "RawDataTests", dependencies: ["RawData", "SkeletonCore"]),
        .testTarget(name: "PreprocessTests", dependencies: ["Preprocess", "RawData", "SkeletonCore"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ShardsTests", dependencies: ["Shards", "HDF5", "SkeletonCore", "TestSupport"]),
        .testTarget(name: "ConvertTests", dependencies: ["Convert", "Shards", "RawData", "Preprocess"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Convert", "Shards", "RawData", "TestSupport"]),
        .testTarget(name: "AugmentTests", dependencies: ["Augment", "SkeletonCore", "YAMLFiles"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "LoaderTests", dependencies: ["Loader", "Shards", "Augment", "SkeletonCore"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Tensor"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "CLITests", dependencies: ["hiclr", "ShippedFiles"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Models", "Tensor", "Shards", "Loader", "Augment", "SkeletonCore", "HDF5",
                                                    "TestSupport"],
                    exclude: ["Fixtures", "Golden"]),
    ],
    swiftLanguageModes: [.v5]
)
