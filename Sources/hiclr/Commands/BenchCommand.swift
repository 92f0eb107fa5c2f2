import ArgumentParser

/// `hiclr bench`: benchmarks that print ratios against baselines measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (release build recommended): convert, augment, stream, engine.",
        subcommands: BenchSubcommands.all)
}

enum BenchSubcommands {
    static let all: [ParsableCommand.Type] = [
        BenchConvertCommand.self,
        BenchAugmentCommand.self,
        BenchStreamCommand.self,
        BenchShardsCommand.self,
        BenchEngineCommand.self,
    ]
}
