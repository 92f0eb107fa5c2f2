import ArgumentParser
import SkeletonCore

/// `--shards DIR` and `--benchmark B`: which converted shard set a command reads. Shared by stream, dump and
/// every eval subcommand (each names its own `--part`, whose default differs by command).
struct ShardOptions: ParsableArguments {
    @Option(help: "Shard directory (holds manifest.json).")
    var shards: String

    @Option(help: "Benchmark: xsub, xview or xset (default: the manifest's first).")
    var benchmark: Benchmark?
}
