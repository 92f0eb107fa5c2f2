import Foundation
import SkeletonCore
import YAMLFiles

/// A pretraining run, as written in a YAML config file (schema: schemas/train.schema.json). Paths are taken
/// relative to the working directory.
public struct TrainConfig: Decodable, Sendable, Equatable {
    public var name: String
    /// Shard directory (manifest.json) and the part to pretrain on.
    public var shards: String
    /// The benchmark (nil: the manifest's first) and its part (default train).
    public var benchmark: Benchmark?
    public var part: Part
    /// Augmentation pipeline file; its branches named q, k, q1, q2 feed the HiCLR views.
    public var pipeline: String
    /// The input stream the encoder sees (derived from the augmented joint view).
    public var stream: SkeletonStream
    public var seed: UInt64
    /// Run folder: checkpoints, log.jsonl, the config copy.
    public var output: String
    public var model: ModelSettings
    public var moco: MoCoSettings
    public var optimizer: OptimizerSettings
    public var schedule: ScheduleSettings

    public struct ModelSettings: Decodable, Sendable, Equatable {
        /// ST-GCN `hidden_channels` (16 = the 1/4-width HiCLR encoder).
        public var hiddenChannels: Int = 16
        /// Pooled feature width (`hidden_dim`).
        public var hiddenDim: Int = 256
        /// Projection width (MLP head output).
        public var featureDim: Int = 128
        public var dropout: Double = 0.5
        /// Drop/add edges per layer on the q branch (DAE), 0 = off.
        public var dropEdges: Double = 0
        public var addEdges: Double = 0
        /// `reference` (N(0, 0.02), as the pretraining processors) or `pytorch_default`.
        public var headInit: String = "reference"

        public init() {}
    }

    public struct MoCoSettings: Decodable, Sendable, Equatable {
        public var queue: Int = 32_768
        public var momentum: Double = 0.999
        public var temperature: Double = 0.07
        /// Weight of the two consistency terms.
        public var lambda: Double = 0.5
        /// Nearest-neighbour positive mining from this epoch on (nil: never).
        public var miningEpoch: Int?

        public init() {}
    }

    public struct OptimizerSettings: Decodable, Sendable, Equatable {
        public var lr: Double = 0.1
        public var momentum: Double = 0.9
        public var weightDecay: Double = 1e-4
        /// Epochs at which the learning rate is multiplied by `gamma`.
        public var milestones: [Int] = [250]
        public var gamma: Double = 0.1

        public init() {}
    }

    public struct ScheduleSettings: Decodable, Sendable, Equatable {
        public var epochs: Int = 300
        public var batch: Int = 128
        public var workers: Int = 2
        /// Write a checkpoint every this many epochs (and after the last).
        public var checkpointEvery: Int = 10

        public init() {}
    }

    /// Loads and checks a config file, and the base files it `extends` (docs/configs.md).
    public static func load(path: String) throws -> TrainConfig {
        try loadResolved(path: path).config
    }

    /// Loads a config file and returns it with its text as a run records it (config.yaml, checkpoints): the file
    /// as written when it extends nothing, otherwise the merged document, which reads alone without its bases.
    public static func loadResolved(path: String) throws -> (config: TrainConfig, text: String) {
        let text = try FileProblem.readText(path, kind: "training config file")
        let layered = try LayeredYAML.parse(text: text, file: path, kind: "training config")
        let config = try layered.decode(TrainConfig.self)
        guard layered.extends else { return (config, text) }
        let chain = layered.layers.map(\.file).joined(separator: " ← ")
        return (config, "# \(chain), merged\n" + (try layered.mergedText()))
    }

    /// Decodes config `text`; `file` names it in errors, and an `extends` path is taken relative to its folder.
    public static func parse(_ text: String, file: String) throws -> TrainConfig {
        try LayeredYAML.parse(text: text, file: file, kind: "training config").decode(TrainConfig.self)
    }

    /// `text` with top-level scalar keys set to new values (`hiclr train --out DIR --shards DIR`): each line
    /// `key: …` at the start of a line is replaced by `key: "value"`, or the line is appended when the config has
    /// none. The result is what the run used, so it is what the run folder's config.yaml and the checkpoints record.
    public static func overriding(_ text: String, _ overrides: [(key: String, value: String)]) -> String {
        guard !overrides.isEmpty else { return text }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        for (key, value) in overrides {
            let line = "\(key): \(quoted(value))  # set on the command line"
            var found = false
            for i in lines.indices where isTopLevel(lines[i], key: key) {
                lines[i] = line
                found = true
            }
            if !found { lines.append(line) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// True for `key:` or `key :` at column 0 (a top-level mapping key of a block-style YAML file).
    static func isTopLevel(_ line: String, key: String) -> Bool {
        guard line.hasPrefix(key) else { return false }
        return line.dropFirst(key.count).drop(while: { $0 == " " }).first == ":"
    }

    /// A YAML double-quoted scalar (JSON string escapes are valid YAML).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension TrainConfig {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["name", "shards", "benchmark", "part", "pipeline", "stream", "seed",
                                                    "output", "model", "moco", "optimizer", "schedule"])
        name = try f.string("name")
        guard !name.isEmpty else { throw f.error("name", "must not be empty") }   // the pipeline rule
        shards = try f.string("shards")
        func typedName<T: CaseIterable & RawRepresentable>(_ key: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let text = try f.optionalString(key) else { return nil }
            guard let value = T(rawValue: text) else { throw f.error(key, DatasetNames.problem(text, type, noun: key)) }
            return value
        }
        benchmark = try typedName("benchmark", Benchmark.self)
        part = try typedName("part", Part.self) ?? .train
        pipeline = try f.string("pipeline")
        let streamName = try f.optionalString("stream") ?? "joint"
        guard let stream = SkeletonStream(rawValue: streamName) else {
            throw f.error("stream", "unknown stream \"\(streamName)\" (joint, bone or motion)")
        }
        self.stream = stream
        seed = UInt64(try f.int("seed", default: 1, in: 0...Int.max))
        output = try f.string("output")
        model = try f.container.decodeIfPresent(ModelSettings.self, forKey: AnyKey("model")) ?? ModelSettings()
        moco = try f.container.decodeIfPresent(MoCoSettings.self, forKey: AnyKey("moco")) ?? MoCoSettings()
        optimizer = try f.container.decodeIfPresent(OptimizerSettings.self, forKey: AnyKey("optimizer")) ?? OptimizerSettings()
        schedule = try f.container.decodeIfPresent(ScheduleSettings.self, forKey: AnyKey("schedule")) ?? ScheduleSettings()
        if let m = moco.miningEpoch, m < 0 { throw f.error("moco", "mining_epoch must be at least 0") }
    }
}

extension TrainConfig.ModelSettings {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["hidden_channels", "hidden_dim", "feature_dim", "dropout",
                                                    "drop_edges", "add_edges", "head_init"])
        hiddenChannels = try f.int("hidden_channels", default: 16, in: 1...256)
        hiddenDim = try f.int("hidden_dim", default: 256, in: 1...2048)
        featureDim = try f.int("feature_dim", default: 128, in: 1...1024)
        dropout = try f.double("dropout", default: 0.5, in: 0...0.99)
        dropEdges = try f.double("drop_edges", default: 0, in: 0...1)
        addEdges = try f.double("add_edges", default: 0, in: 0...1)
        headInit = try f.optionalString("head_init") ?? "reference"
        guard ["reference", "pytorch_default"].contains(headInit) else {
            throw f.error("head_init", "unknown head initialisation \"\(headInit)\" (reference or pytorch_default)")
        }
    }
}

extension TrainConfig.MoCoSettings {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["queue", "momentum", "temperature", "lambda", "mining_epoch"])
        queue = try f.int("queue", default: 32_768, in: 1...(1 << 20))
        momentum = try f.double("momentum", default: 0.999, in: 0...1)
        temperature = try f.double("temperature", default: 0.07, in: 1e-4...100)
        lambda = try f.double("lambda", default: 0.5, in: 0...100)
        miningEpoch = f.has("mining_epoch") ? try f.container.decodeIfPresent(Int.self, forKey: AnyKey("mining_epoch")) : nil
    }
}

extension TrainConfig.OptimizerSettings {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["lr", "momentum", "weight_decay", "milestones", "gamma"])
        lr = try f.double("lr", default: 0.1, in: 0...100)
        momentum = try f.double("momentum", default: 0.9, in: 0...1)
        weightDecay = try f.double("weight_decay", default: 1e-4, in: 0...1)
        milestones = try f.container.decodeIfPresent([Int].self, forKey: AnyKey("milestones")) ?? [250]
        gamma = try f.double("gamma", default: 0.1, in: 0...1)
        if milestones.contains(where: { $0 < 0 }) { throw f.error("milestones", "epochs must be at least 0") }
    }
}

extension TrainConfig.ScheduleSettings {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["epochs", "batch", "workers", "checkpoint_every"])
        epochs = try f.int("epochs", default: 300, in: 1...100_000)
        batch = try f.int("batch", default: 128, in: 1...4096)
        workers = try f.int("workers", default: 2, in: 1...64)
        checkpointEvery = try f.int("checkpoint_every", default: 10, in: 1...100_000)
    }
}
