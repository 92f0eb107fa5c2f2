import ArgumentParser
import SkeletonCore

// `--benchmark xsub`, `--part val`, `convert ntu60`: parsed by their raw values; any other value is refused
// before the command runs, with an error that lists the valid ones (ArgumentParser's CaseIterable support).
extension DatasetKind: ExpressibleByArgument {}
extension Benchmark: ExpressibleByArgument {}
extension Part: ExpressibleByArgument {}
