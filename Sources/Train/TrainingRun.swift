import Foundation
import SkeletonCore

/// The run folder of a `Trainer`: `config.yaml`, `log.jsonl` (one line per epoch) and the checkpoints
/// `epoch_NNNN.h5`. Owns the rules that keep a run folder consistent:
///
/// - a fresh run refuses a folder that already holds a run (its log or checkpoints) unless `overwrite` is set,
///   and then deletes only those files (never anything it did not write);
/// - a resumed run truncates `log.jsonl` to the epochs the checkpoint has completed, so a run killed after
///   logging an epoch but before its checkpoint, then resumed, logs every epoch exactly once;
/// - a resumed run refuses a target epoch count the checkpoint has already reached.
public final class TrainingRun {
    public enum Start: Equatable {
        case fresh(overwrite: Bool)
        case resume
    }

    public let trainer: Trainer
    public let folder: URL
    public var log: URL { folder.appendingPathComponent("log.jsonl") }
    /// Epochs to reach.
    public let totalEpochs: Int
    /// One line per thing done to the folder (files deleted, log lines dropped), for the user.
    public private(set) var notes: [String] = []

    /// `epoch_NNNN.h5`
    public static func checkpointName(epoch: Int) -> String { String(format: "epoch_%04d.h5", epoch) }

    static func isRunFile(_ name: String) -> Bool {
        name == "log.jsonl" || name == "config.yaml"
            || name.range(of: #"^\.?epoch_[0-9]{4,}\.h5(\.partial)?$"#, options: .regularExpression) != nil
    }

    /// Prepares `trainer.output` for a run to `totalEpochs` epochs. With `.resume`, the checkpoint must already
    /// be loaded into `trainer`.
    public init(trainer: Trainer, totalEpochs: Int, start: Start) throws {
        self.trainer = trainer
        self.folder = trainer.output
        self.totalEpochs = totalEpochs
        let fm = FileManager.default
        if start == .resume, trainer.epoch >= totalEpochs {
            throw TrainError.configuration("the checkpoint has completed \(trainer.epoch) epoch(s) and the run stops "
                                           + "after \(totalEpochs): nothing to do (raise --epochs)")
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw InputError(file: folder.path, "the run folder is a file") }
            let names = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            let runFiles = names.filter(Self.isRunFile).sorted()
            if case .fresh(let overwrite) = start, runFiles.contains(where: { $0 != "config.yaml" }) {
                guard overwrite else {
                    throw TrainError.configuration("\(Printable.escaped(folder.path)) already holds a run ("
                        + runFiles.prefix(4).joined(separator: ", ") + (runFiles.count > 4 ? ", …" : "")
                        + "): pass --resume CHECKPOINT to continue it or --overwrite to start again")
                }
                for name in runFiles {
                    try fm.removeItem(at: folder.appendingPathComponent(name))
                }
                notes.append("deleted \(runFiles.count) file(s) of the earlier run in \(folder.path) (--overwrite)")
            }
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: folder.path, "cannot write to the run folder: "
                             + FileProblem.describe(error, path: folder.path))
        }
        try AtomicFile.write(Data(trainer.configText.utf8), to: folder.appendingPathComponent("config.yaml"))
        if start == .resume { try truncateLog(toEpoch: trainer.epoch) }
        // Stale partial checkpoints of a killed run are ours: delete them.
        for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(".epoch_") && name.hasSuffix(".partial") {
            try? fm.removeItem(at: folder.appendingPathComponent(name))
            notes.append("deleted the partial checkpoint \(name) of an interrupted run")
        }
    }

    /// Keeps the log lines of epochs 1...epoch (the ones the resumed checkpoint includes), written atomically.
    func truncateLog(toEpoch epoch: Int) throws {
        guard let data = FileManager.default.contents(atPath: log.path) else { return }
        var kept: [Substring] = []
        var dropped = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            if let entry = try? JSONDecoder().decode(EpochLog.self, from: Data(line.utf8)), entry.epoch <= epoch {
                kept.append(line)
            } else {
                dropped += 1
            }
        }
        guard dropped > 0 else { return }
        let text = kept.map { $0 + "\n" }.joined()
        try AtomicFile.write(Data(text.utf8), to: log)
        notes.append("dropped \(dropped) line(s) of log.jsonl after epoch \(epoch), the checkpoint's epoch")
    }

    /// Appends one epoch's line to `log.jsonl`.
    public func append(_ entry: EpochLog) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = String(decoding: try encoder.encode(entry), as: UTF8.self)
        let fm = FileManager.default
        if !fm.fileExists(atPath: log.path) { _ = fm.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        return line
    }

    /// Whether the epoch just completed gets a checkpoint.
    public var checkpointDue: Bool {
        trainer.epoch % trainer.config.schedule.checkpointEvery == 0 || trainer.epoch == totalEpochs
    }

    /// Runs the remaining epochs: `epochStarted(epoch, batches)`, `progress(done)` after each step,
    /// `epochDone(logLine, checkpointURL?)` after each epoch.
    public func run(epochStarted: (Int, Int) -> Void = { _, _ in }, progress: (Int) -> Void = { _ in },
                    epochDone: (String, URL?) -> Void = { _, _ in }) throws {
        while trainer.epoch < totalEpochs {
            epochStarted(trainer.epoch + 1, trainer.loader.plan(epoch: trainer.epoch).batchCount)
            let entry = try trainer.runEpoch { done, _ in progress(done) }
            let line = try append(entry)
            FaultPoint.reached("train.logged")          // the epoch is logged, its checkpoint not yet written
            var url: URL?
            if checkpointDue {
                url = folder.appendingPathComponent(Self.checkpointName(epoch: trainer.epoch))
                try trainer.saveCheckpoint(to: url!)
            }
            epochDone(line, url)
        }
    }
}
