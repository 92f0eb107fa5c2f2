import ArgumentParser

/// Every subcommand, in pipeline order. Each lives in its own file under Commands/.
enum HiCLRSubcommands {
    static let all: [ParsableCommand.Type] = [
        BenchCommand.self,
    ]

    /// The benchmarks under `hiclr bench`.
    static let bench: [ParsableCommand.Type] = [
        BenchEngineCommand.self,
    ]
}
