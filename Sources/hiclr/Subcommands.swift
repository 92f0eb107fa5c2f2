import ArgumentParser

/// Every subcommand, in pipeline order. Each lives in its own file under Commands/.
enum HiCLRSubcommands {
    static let all: [ParsableCommand.Type] = [
        ConvertCommand.self,
        InspectCommand.self,
        StagesCommand.self,
        DumpCommand.self,
        StreamCommand.self,
        TrainCommand.self,
        EvalCommand.self,
        ExportCommand.self,
        BenchCommand.self,
    ]
}
