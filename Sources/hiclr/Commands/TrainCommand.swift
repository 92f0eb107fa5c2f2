import ArgumentParser
import Foundation
import ShippedFiles
import TensorModule
import SkeletonCore
import Train

/// `hiclr train`: HiCLR pretraining from a YAML config.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Pretrain an ST-GCN encoder with HiCLR (MoCo v2 + hierarchical consistency) from a config file.",
        discussion: """
        The config (schema: schemas/train.schema.json; examples in configs/) names the shards, the pipeline \
        whose branches q, k, q1, q2 make the views, the model, MoCo, optimiser and schedule. The run folder \
        gets config.yaml, log.jsonl (one JSON object per epoch: loss terms, lr, samples/s) and checkpoints \
        epoch_NNNN.h5 (HDF5, one dataset per reference state_dict key). --resume continues from a checkpoint \
        and gives the same losses as an uninterrupted run (log.jsonl is cut back to the checkpoint's epoch). A run \
        folder that already holds a run is refused unless --resume or --overwrite is given. The config's peak \
        memory is estimated first and a config over --max-memory-gib is refused. --config takes a file or the \
        name of a shipped config (e.g. ntu60_xsub_joint); --out and --shards replace the config's `output` and \
        `shards`, and the run folder's config.yaml records the values used.
        """)

    @Option(help: shippedHelp(.config, "Training config (YAML)"))
    var config: String

    @Option(help: "Run folder: replaces the config's `output` (one config, many runs).")
    var out: String?

    @Option(help: "Shard directory: replaces the config's `shards`.")
    var shards: String?

    @Option(help: "Checkpoint to resume from (a run folder's epoch_NNNN.h5).")
    var resume: String?

    @Option(help: "Stop after this many epochs in total (default: the config's schedule.epochs).")
    var epochs: Int?

    @Flag(help: "Start again in a run folder that already holds a run: deletes its log.jsonl and epoch_NNNN.h5 checkpoints (only those) first.")
    var overwrite = false

    @Option(help: "Refuse a config whose estimated peak memory exceeds this many GiB (default: 80 % of this machine's memory).")
    var maxMemoryGib: Double?

    @Option(help: "GiB of freed tensor buffers kept for reuse instead of returned to the system: a HiCLR step at batch 128 holds about 7 GiB of activations, and re-faulting them costs ~40 % of the step.")
    var poolGib: Double = 10

    func validate() throws {
        guard poolGib >= 0 else { throw ValidationError("--pool-gib must not be negative") }
        if let maxMemoryGib, !(maxMemoryGib > 0) { throw ValidationError("--max-memory-gib must be positive") }
        if resume != nil && overwrite { throw ValidationError("--resume and --overwrite cannot be used together") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        TensorStoragePool.limitBytes = Int(poolGib * Double(1 << 30))
        let run: TrainingRun
        do {
            let url = try ShippedFiles.resolve(.config, config)
            var overrides: [(key: String, value: String)] = []
            if let out { overrides.append(("output", out)) }
            if let shards { overrides.append(("shards", shards)) }
            // A config that extends a base is recorded merged, so the run folder and checkpoints read alone.
            let text = TrainConfig.overriding(try TrainConfig.loadResolved(path: url.path).text, overrides)
            let parsed = try TrainConfig.parse(text, file: url.path)
            let trainer = try Trainer(config: parsed, configText: text,
                                      memoryLimitBytes: maxMemoryGib.map { $0 * Double(1 << 30) }, configFile: url.path)
            if let resume { try trainer.loadCheckpoint(from: URL(fileURLWithPath: resume)) }
            run = try TrainingRun(trainer: trainer, totalEpochs: epochs ?? parsed.schedule.epochs,
                                  start: resume == nil ? .fresh(overwrite: overwrite) : .resume)
        } catch {
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        let trainer = run.trainer
        for note in run.notes { print("note: " + Printable.escaped(note)) }
        let total = run.totalEpochs
        print("train \(Printable.escaped(trainer.config.name)): \(trainer.loader.dataset.count) samples, \(trainer.loader.plan(epoch: 0).batchCount) batches of \(trainer.config.schedule.batch) per epoch, epochs \(trainer.epoch + 1)…\(total), stream \(trainer.config.stream.rawValue) → \(Printable.escaped(trainer.output.path))")
        var bar: ProgressBar?
        do {
            try run.run(epochStarted: { epoch, batches in
                bar = ProgressBar(label: "epoch \(epoch)/\(total)", total: batches, unit: "batches")
            }, progress: { done in
                bar?.update(done)
            }, epochDone: { line, checkpoint in
                bar?.finish()
                bar = nil
                print(line)
                if let checkpoint { print("checkpoint \(checkpoint.path)") }
            })
        } catch {
            bar?.finish()
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
    }
}
