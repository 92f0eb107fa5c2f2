import CounterRandom
import Foundation
import TensorModule
import Train
import Models
import TestSupport
import XCTest

final class TrainerTests: XCTestCase {
    static var shards: URL!
    override class func setUp() { shards = try! makeSyntheticShards() }

    func trainer(_ text: String) throws -> Trainer {
        try Trainer(config: try TrainConfig.parse(text, file: "test.yaml"), configText: text)
    }

    func testResumeGivesTheSameLossesAsAnUninterruptedRun() throws {
        let out = temporaryDirectory("run")
        let text = tinyConfig(shards: Self.shards, output: out, epochs: 3, mining: 2)
        let straight = try trainer(text)
        let logs = try (0..<3).map { _ in try straight.runEpoch() }
        XCTAssertEqual(logs.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(logs[1].lr, 0.005, accuracy: 1e-7)                 // milestone 1: epochs 2… use lr·γ
        for log in logs {
            XCTAssertTrue([log.loss, log.infoNCE, log.consistency1, log.consistency2].allSatisfy(\.isFinite))
            XCTAssertGreaterThan(log.consistency1, 0)
        }

        let first = try trainer(text)
        _ = try first.runEpoch()
        let checkpoint = out.appendingPathComponent("epoch_0001.h5")
        try first.saveCheckpoint(to: checkpoint)
        let resumed = try trainer(text)
        try resumed.loadCheckpoint(from: checkpoint)
        XCTAssertEqual(resumed.epoch, 1)
        let rest = try (0..<2).map { _ in try resumed.runEpoch() }
        XCTAssertEqual(rest.map(\.loss), Array(logs[1...].map(\.loss)))
        XCTAssertEqual(rest.map(\.infoNCE), Array(logs[1...].map(\.infoNCE)))
        XCTAssertEqual(resumed.model.queue.keys.values, straight.model.queue.keys.values)
    }

    func testMomentumUpdateAndQueueAdvance() throws {
        let t = try trainer(tinyConfig(shards: Self.shards, output: temporaryDirectory("run")))
        let model = t.model
        // Identical at start.
        XCTAssertEqual(model.encoderQ.parameters[3].value.values, model.encoderK.parameters[3].value.values)
        let before = model.encoderK.parameters[3].value.values
        let query = model.encoderQ.parameters[3].value
        query.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += 1 } }
        model.momentumUpdate()                                            // m = 0.9
        for (k, (b, q)) in zip(model.encoderK.parameters[3].value.values, zip(before, query.values)) {
            XCTAssertEqual(k, 0.9 * b + 0.1 * q, accuracy: 1e-6)
        }
        let pointer = model.queue.pointer
        _ = try t.runEpoch()                                               // 32 samples / 8 = 4 steps of 8 keys
        XCTAssertEqual(model.queue.pointer, (pointer + 32) % 16)
    }

    func testCheckpointHoldsReferenceNamesAndH5pyReadsIt() throws {
        let out = temporaryDirectory("run")
        let t = try trainer(tinyConfig(shards: Self.shards, output: out, epochs: 1))
        _ = try t.runEpoch()
        let url = out.appendingPathComponent("epoch_0001.h5")
        try t.saveCheckpoint(to: url)
        let script = """
        import h5py, sys
        f = h5py.File(sys.argv[1], "r")
        need = ["mask_param", "queue", "queue_ptr", "encoder_q.data_bn.running_mean", "encoder_k.edge_importance1",
                "encoder_q.st_gcn_networks.0.gcn.conv.weight", "encoder_q.fc.0.weight", "encoder_q.fc.2.weight",
                "encoder_q.data_bn.num_batches_tracked"]
        missing = [k for k in need if k not in f]
        assert not missing, missing
        assert f["queue"].shape == (8, 16), f["queue"].shape
        assert f["queue_ptr"].dtype == "int64"
        assert f["encoder_q.st_gcn_networks.0.gcn.conv.weight"].shape == (12, 3, 1, 1)
        assert f.attrs["epoch"] == 1
        print("ok")
        """
        let (status, output) = try runProcess("/usr/bin/env", ["python3", "-c", script, url.path])
        XCTAssertEqual(status, 0, "h5py check failed (pip install h5py): \(output)")
    }

    func testConfigErrorsNameTheField() {
        let out = temporaryDirectory("run").path
        let bad = tinyConfig(shards: Self.shards, output: URL(fileURLWithPath: out)).replacingOccurrences(of: "lr: 0.05", with: "lr: fast")
        XCTAssertThrowsError(try TrainConfig.parse(bad, file: "bad.yaml")) { e in
            XCTAssertTrue("\(e)".contains("bad.yaml:16") && "\(e)".contains("optimizer.lr"), "\(e)")
        }
        let typo = tinyConfig(shards: Self.shards, output: URL(fileURLWithPath: out)).replacingOccurrences(of: "momentum: 0.9", with: "momentun: 0.9")
        XCTAssertThrowsError(try TrainConfig.parse(typo, file: "typo.yaml")) { e in
            XCTAssertTrue("\(e)".contains("did you mean \"momentum\""), "\(e)")
        }
    }
}

final class MaskTokenTests: XCTestCase {
    /// Every masked joint of a masked view holds the learnable token (all coordinates, both bodies) when the
    /// encoder sees it, and the token gets a gradient.
    func testMaskedJointsCarryTheTokenAndTheTokenLearns() throws {
        var c = STGCNConfiguration.hiclr
        c.hiddenChannels = 4; c.hiddenDim = 8; c.head = .mlp(features: 4); c.dropout = 0
        let b = 4
        func input(_ offset: Int) -> Tensor {
            Tensor(shape: [b, 3, 50, 25, 2], values: (0..<b).flatMap { syntheticClip(label: $0 % 4, variant: $0 + offset).values })
        }
        var mask = [Bool](repeating: false, count: b * 50 * 25)
        for i in stride(from: 3, to: mask.count, by: 11) { mask[i] = true }
        let model = HiCLRModel(encoder: c, queueSize: 8, momentum: 0.999, loss: HiCLRLoss(temperature: 0.2, lambda: 0.5),
                               key: RandomKey(seed: 1))
        model.maskParameter.value[flat: 0] = 0.3
        let original = input(30)
        let views = HiCLRViews(q: input(0), k: input(10), q1: input(20), q2: original.copy(), q2Mask: mask)
        model.maskParameter.zeroGradient()
        _ = model.trainStep(views, key: RandomKey(seed: 5), mining: false)
        let x2 = try XCTUnwrap(views.q2)
        for (i, hidden) in mask.enumerated() {
            let (n, t, v) = (i / 1250, i / 25 % 50, i % 25)
            for ch in 0..<3 { for m in 0..<2 {
                let value = x2[n, ch, t, v, m]
                XCTAssertEqual(value, hidden ? 0.3 : original[n, ch, t, v, m])
            } }
        }
        XCTAssertNotEqual(model.maskParameter.gradient[flat: 0], 0)
    }
}
