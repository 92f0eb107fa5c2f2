import Augment
import CounterRandom
import Foundation
import HDF5
import Loader
import Models
import Shards
import SkeletonCore
import TensorModule

/// One line of the training log (`log.jsonl`): the epoch's mean loss terms and speed.
public struct EpochLog: Codable, Equatable, Sendable {
    public var epoch: Int
    public var lr: Float
    public var loss: Float
    public var infoNCE: Float
    public var consistency1: Float
    public var consistency2: Float
    public var batches: Int
    public var samples: Int
    public var seconds: Double
    public var samplesPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case epoch, lr, loss, batches, samples, seconds
        case infoNCE = "info_nce", consistency1 = "consistency_1", consistency2 = "consistency_2"
        case samplesPerSecond = "samples_per_s"
    }
}

/// HiCLR pretraining: streams augmented views from shards, trains the model, logs every epoch and writes
/// checkpoints. Every random draw derives from the config's seed, the epoch and the step, and the loader's
/// order from (seed, epoch), so resuming from a checkpoint repeats an uninterrupted run exactly.
public final class Trainer {
    public let config: TrainConfig
    public let configText: String
    public let model: HiCLRModel
    public let optimizer: SGD
    public let loader: StreamingLoader
    public let schedule: StepSchedule
    /// Epochs completed (the next epoch to run, 0-based).
    public private(set) var epoch = 0
    let branches: (q: Int, k: Int, q1: Int?, q2: Int?)
    public let output: URL

    /// - Parameter memoryLimitBytes: refuse a config whose `MemoryEstimate` exceeds this (nil: 80 % of the
    ///   machine's memory), before anything is allocated.
    public init(config: TrainConfig, configText: String, memoryLimitBytes: Double? = nil,
                configFile: String = "the training config") throws {
        try MemoryEstimate(config).check(limitBytes: memoryLimitBytes, file: configFile)
        self.config = config
        self.configText = configText
        output = URL(fileURLWithPath: config.output)
        let part = try ShardSource.open(directory: URL(fileURLWithPath: config.shards), benchmark: config.benchmark,
                                        part: config.part, verify: true)
        let pipeline = try PipelineLoader.load(reference: config.pipeline)
        guard let q = pipeline.branchIndex(named: "q"), let k = pipeline.branchIndex(named: "k") else {
            throw TrainError.pipeline("\(config.pipeline) needs branches named q and k (it has \(pipeline.branches.map(\.name)))")
        }
        branches = (q, k, pipeline.branchIndex(named: "q1"), pipeline.branchIndex(named: "q2"))
        guard part.count >= config.schedule.batch else {
            throw TrainError.data("\(part.count) samples in \(part.benchmark)/\(part.part) is fewer than one batch of \(config.schedule.batch)")
        }
        loader = try StreamingLoader(dataset: part, runner: PipelineRunner(pipeline),
                                     config: LoaderConfig(batchSize: config.schedule.batch, workers: config.schedule.workers,
                                                          prefetch: 2, seed: config.seed, shuffle: true,
                                                          policy: .dropLast))
        var encoder = PretrainedEncoder.configuration(config.model)
        encoder.graphAugmentation = GraphAugmentation(dropProbability: Float(config.model.dropEdges),
                                                      addProbability: Float(config.model.addEdges))
        model = HiCLRModel(encoder: encoder, queueSize: config.moco.queue, momentum: Float(config.moco.momentum),
                           loss: HiCLRLoss(temperature: Float(config.moco.temperature), lambda: Float(config.moco.lambda)),
                           key: RandomKey(seed: config.seed))
        optimizer = SGD(parameters: model.namedParameters().map(\.parameter), learningRate: Float(config.optimizer.lr),
                        momentum: Float(config.optimizer.momentum), weightDecay: Float(config.optimizer.weightDecay))
        schedule = StepSchedule(base: Float(config.optimizer.lr), milestones: config.optimizer.milestones,
                                gamma: Float(config.optimizer.gamma))
    }

    /// The encoder inputs of a batch.
    func views(_ batch: Batch) throws -> HiCLRViews {
        func input(_ index: Int) throws -> Tensor { try ViewTensors.tensor(batch.views[index], stream: config.stream) }
        func mask(_ index: Int?) -> [Bool]? { index.flatMap { batch.views[$0].mask } }
        return HiCLRViews(q: try input(branches.q), k: try input(branches.k),
                          q1: try branches.q1.map(input), q2: try branches.q2.map(input),
                          qMask: mask(branches.q), kMask: mask(branches.k), q1Mask: mask(branches.q1),
                          q2Mask: mask(branches.q2))
    }

    /// Runs one epoch; `progress(batchesDone, batchesTotal)` after each step.
    public func runEpoch(progress: (Int, Int) -> Void = { _, _ in }) throws -> EpochLog {
        let e = epoch
        optimizer.learningRate = schedule.learningRate(epoch: e + 1)
        let mining = config.moco.miningEpoch.map { e >= $0 } ?? false
        let stream = loader.batches(epoch: e)
        var sums = HiCLRLossTerms(infoNCE: 0, consistency1: 0, consistency2: 0, total: 0)
        var batches = 0, samples = 0
        let start = Date()
        while let batch = try stream.next() {
            let terms = try Self.step(model: model, optimizer: optimizer, views: try views(batch),
                                      key: Self.stepKey(seed: config.seed, epoch: e, batch: batch.index),
                                      mining: mining, context: "epoch \(e + 1), batch \(batch.index)")
            sums.infoNCE += terms.infoNCE
            sums.consistency1 += terms.consistency1
            sums.consistency2 += terms.consistency2
            sums.total += terms.total
            batches += 1
            samples += batch.count
            progress(batches, stream.plan.batchCount)
        }
        epoch += 1
        let seconds = Date().timeIntervalSince(start)
        let n = Float(max(batches, 1))
        return EpochLog(epoch: epoch, lr: optimizer.learningRate, loss: sums.total / n, infoNCE: sums.infoNCE / n,
                        consistency1: sums.consistency1 / n, consistency2: sums.consistency2 / n, batches: batches,
                        samples: samples, seconds: seconds, samplesPerSecond: Double(samples) / max(seconds, 1e-9))
    }

    // MARK: checkpoints

    public static let checkpointFormat = "hiclr-checkpoint"

    /// Writes the model's `state_dict`, the optimiser's momentum buffers (`optimizer.momentum_buffer.<name>`)
    /// and the run's metadata to `url`.
    public func saveCheckpoint(to url: URL) throws {
        var entries = model.stateEntries()
        for (index, named) in model.namedParameters().enumerated() {
            if let buffer = optimizer.momentumBuffers[index] {
                entries.append(.init(name: "optimizer.momentum_buffer." + named.name, tensor: buffer))
            }
        }
        try StateDictFile.write(entries, attributes: [
            "format": .string(Self.checkpointFormat),
            "epoch": .int64(Int64(epoch)),
            "seed": .string(String(config.seed)),
            "name": .string(config.name),
            "config": .string(configText),
            "stream": .string(config.stream.rawValue),
        ], to: url)
    }

    /// Restores everything `saveCheckpoint` wrote; training continues with the next epoch.
    public func loadCheckpoint(from url: URL) throws {
        let (tensors, file) = try StateDictFile.read(url)
        guard (try? file.stringAttribute("format")) == Self.checkpointFormat else {
            throw TrainError.checkpoint("\(url.path) is not a hiclr training checkpoint (no format attribute)")
        }
        for entry in model.stateEntries() where entry.name != "queue_ptr" {
            guard let value = tensors[entry.name] else { throw TrainError.checkpoint("\(url.path): missing \(entry.name)") }
            guard value.count == entry.tensor.count else {
                throw TrainError.checkpoint("\(url.path): \(entry.name) has shape \(value.shape), the model \(entry.tensor.shape)")
            }
            entry.tensor.assign(value.reshaped(entry.tensor.shape))
        }
        guard let pointer = tensors["queue_ptr"]?[flat: 0] else { throw TrainError.checkpoint("\(url.path): missing queue_ptr") }
        model.queue.restore(pointer: Int(pointer))
        for (index, named) in model.namedParameters().enumerated() {
            optimizer.setMomentumBuffer(tensors["optimizer.momentum_buffer." + named.name]?.reshaped(named.parameter.shape),
                                        at: index)
        }
        epoch = Int(try file.int64Attribute("epoch"))
    }
}

extension Trainer {
    /// The random key of one training step (dropout, drop/add edges): the engine's branch of the one random tree
    /// at (seed, epoch, step), stage 1 (docs/determinism.md). The model derives per pass, block and purpose.
    public static func stepKey(seed: UInt64, epoch: Int, batch: Int) -> RandomKey {
        RandomKey(seed: seed, epoch: epoch, sample: batch, branch: RandomKey.engineBranch, stage: 1)
    }
}
