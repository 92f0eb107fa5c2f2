import ArgumentParser
import Foundation
import ShippedFiles
import Tensor
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
        and gives the same losses as an uninterrupted run. --config takes a file or the name of a shipped config \
        (e.g. ntu60_xsub_joint); --out and --shards replace the config's `output` and `shards`, and the run \
        folder's config.yaml records the values used.
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

    @Option(help: "GiB of freed tensor buffers kept for reuse instead of returned to the system: a HiCLR step at batch 128 holds about 7 GiB of activations, and re-faulting them costs ~40 % of the step.")
    var poolGib: Double = 10

    func validate() throws {
        guard poolGib >= 0 else { throw ValidationError("--pool-gib must not be negative") }
    }

    func run() throws {
        TensorStoragePool.limitBytes = Int(poolGib * Double(1 << 30))
        let trainer: Trainer
        let text: String
        do {
            let url = try ShippedFiles.resolve(.config, config)
            var overrides: [(key: String, value: String)] = []
            if let out { overrides.append(("output", out)) }
            if let shards { overrides.append(("shards", shards)) }
            // A config that extends a base is recorded merged, so the run folder and checkpoints read alone.
            text = TrainConfig.overriding(try TrainConfig.loadResolved(path: url.path).text, overrides)
            let parsed = try TrainConfig.parse(text, file: url.path)
            trainer = try Trainer(config: parsed, configText: text)
            if let resume { try trainer.loadCheckpoint(from: URL(fileURLWithPath: resume)) }
            try FileManager.default.createDirectory(at: trainer.output, withIntermediateDirectories: true)
            try text.write(to: trainer.output.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let total = epochs ?? trainer.config.schedule.epochs
        print("train \(trainer.config.name): \(trainer.loader.dataset.count) samples, \(trainer.loader.plan(epoch: 0).batchCount) batches of \(trainer.config.schedule.batch) per epoch, epochs \(trainer.epoch + 1)…\(total), stream \(trainer.config.stream.rawValue) → \(trainer.output.path)")
        let log = trainer.output.appendingPathComponent("log.jsonl")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        while trainer.epoch < total {
            let bar = ProgressBar(label: "epoch \(trainer.epoch + 1)/\(total)", total: trainer.loader.plan(epoch: trainer.epoch).batchCount, unit: "batches")
            let entry: EpochLog
            do {
                entry = try trainer.runEpoch { done, _ in bar.update(done) }
            } catch {
                bar.finish()
                printError("error: \(error)")
                throw ExitCode.failure
            }
            bar.finish()
            let line = String(decoding: try encoder.encode(entry), as: UTF8.self)
            print(line)
            try appendLine(line, to: log)
            if trainer.epoch % trainer.config.schedule.checkpointEvery == 0 || trainer.epoch == total {
                let url = trainer.output.appendingPathComponent(String(format: "epoch_%04d.h5", trainer.epoch))
                try trainer.saveCheckpoint(to: url)
                print("checkpoint \(url.path)")
            }
        }
    }

    func appendLine(_ line: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }
}
