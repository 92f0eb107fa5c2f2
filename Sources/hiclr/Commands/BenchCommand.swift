import ArgumentParser

/// `hiclr bench <what>`: performance benchmarks (release builds), each printing ratios against a
/// baseline measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that report ratios against a baseline measured in the same run.",
        subcommands: HiCLRSubcommands.bench
    )
}
