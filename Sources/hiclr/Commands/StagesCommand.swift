import Augment
import ArgumentParser

/// `hiclr stages`: every augmentation stage with its settable keys, defaults and a one-line description.
struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the augmentation stages a pipeline file can use, with their parameters and defaults.",
        discussion: """
        A pipeline file (pipelines/*.yaml, format in schemas/pipeline.schema.json) lists per branch the stages \
        as `- {stage: NAME, p: PROBABILITY, KEY: VALUE, ...}`. Every stage draws its parameters from its own \
        random stream keyed by (seed, epoch, sample, branch, stage).
        """)

    @Option(help: "Show only this stage.")
    var stage: String?

    func validate() throws {
        if let stage, !StageRegistry.names.contains(stage) {
            throw ValidationError("unknown stage \"\(stage)\"; known: \(StageRegistry.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        for entry in StageRegistry.entries where stage == nil || entry.name == stage {
            print("\(entry.name)\(entry.needsPartner ? "  (two-sample stage: needs a partner sample)" : "")")
            print("    \(entry.summary)")
            let width = entry.parameters.map { $0.key.count + $0.defaultValue.count }.max() ?? 0
            for p in entry.parameters {
                let left = "\(p.key) = \(p.defaultValue)"
                print("    " + left + String(repeating: " ", count: max(1, width + 5 - left.count)) + p.help)
            }
            print("")
        }
    }
}
