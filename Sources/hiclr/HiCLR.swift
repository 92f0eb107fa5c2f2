import ArgumentParser
import Convert

/// The `hiclr` command: one executable, one subcommand per pipeline stage.
struct HiCLR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hiclr",
        abstract: "Skeleton action recognition data pipeline and HiCLR trainer.",
        discussion: """
        Pipeline: raw NTU RGB+D / PKU-MMD skeletons → `convert` → HDF5 shards → augmentation \
        pipelines (`stages`, `dump`) → streaming loader (`stream`) → `train` / `eval`.
        """,
        version: HiCLRVersion.string,
        subcommands: HiCLRSubcommands.all
    )
}

enum HiCLRVersion {
    /// The tool version recorded in shards and checkpoints (one definition, in the Convert module).
    static let string = ConvertVersion.tool
}
