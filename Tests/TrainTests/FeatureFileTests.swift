import CounterRandom
import Foundation
import Loader
import SkeletonCore
import TensorModule
import TestSupport
import Train
import XCTest

/// `hiclr eval features`: pooled features of a checkpoint's encoder_q, in shard order, readable with h5py.
final class FeatureFileTests: XCTestCase {
    func testFeaturesOfACheckpointInShardOrderReadByH5py() throws {
        let shards = try makeSyntheticShards(classes: 3, perClass: 4, valPerClass: 3)
        let out = try makeTemporaryDirectory(self, tag: "features")
        let text = tinyConfig(shards: shards, output: out, epochs: 1)
        let trainer = try Trainer(config: try TrainConfig.parse(text, file: "test.yaml"), configText: text)
        _ = try trainer.runEpoch()
        let checkpoint = out.appendingPathComponent("epoch_0001.h5")
        try trainer.saveCheckpoint(to: checkpoint)

        let encoder = try PretrainedEncoder(checkpoint: checkpoint)
        let part = try ShardSource.open(directory: shards, benchmark: .xsub, part: .val)
        let model = try encoder.makeEncoder(head: .none, key: RandomKey(seed: 1))
        let whole = try FeatureExtractor.extract(model, part: part, stream: .joint, batch: 64)
        // Evaluation mode: a sample's feature does not depend on the batch it is in (running statistics).
        let single = try FeatureExtractor.extract(model, part: part, stream: .joint, batch: 1)
        XCTAssertEqual(whole.features.shape, [9, 16])                    // tinyConfig's hidden_dim
        for (a, b) in zip(whole.features.values, single.features.values) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // The features are the encoder_q weights' output, not a fresh encoder's.
        var shape = TrainConfig.ModelSettings()
        shape.hiddenChannels = 4; shape.hiddenDim = 16; shape.featureDim = 8
        let fresh = try PretrainedEncoder(random: shape).makeEncoder(head: .none, key: RandomKey(seed: 1))
        let other = try FeatureExtractor.extract(fresh, part: part, stream: .joint)
        XCTAssertGreaterThan(zip(whole.features.values, other.features.values).map { abs($0 - $1) }.max() ?? 0, 1e-3)

        let file = out.appendingPathComponent("features.h5")
        try FeatureFile.write(whole, attributes: ["part": "val"], to: file)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".features.h5.partial").path))
        let back = try FeatureFile.read(file)
        XCTAssertEqual(back.features.values, whole.features.values)
        XCTAssertEqual(back.names, part.names)
        XCTAssertEqual(back.labels, part.labels)

        guard let python = findPython() else { throw XCTSkip("python3 not found") }
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            x, y, n = f['features'][()], f['label'][()], [s.decode() for s in f['name'][()]]
            print(x.shape, x.dtype, y.dtype, f.attrs['part'])
            print(' '.join(n))
            print('%.6f' % float(np.abs(x).sum(dtype=np.float64)))
        """
        let (status, output) = try runProcess(python, ["-c", script, file.path])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "(9, 16) float32 int64 val")
        XCTAssertEqual(lines.dropFirst().first, part.names.joined(separator: " "))
        let sum = whole.features.values.reduce(0.0) { $0 + Double(abs($1)) }
        XCTAssertEqual(Double(lines.last ?? "") ?? -1, sum, accuracy: 1e-3 * max(1, sum))
    }
}
