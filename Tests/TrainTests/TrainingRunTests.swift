import Foundation
import Train
import TestSupport
import XCTest

/// Issue 13 defects 2, 9 and 12: the run folder's rules (log truncated on resume, an existing run refused
/// without --resume/--overwrite, a finished checkpoint refused), and the memory estimate.
final class TrainingRunTests: XCTestCase {
    static var shards: URL!
    override class func setUp() { shards = try! makeSyntheticShards(perClass: 4, valPerClass: 2) }

    func trainer(_ text: String) throws -> Trainer {
        try Trainer(config: try TrainConfig.parse(text, file: "test.yaml"), configText: text)
    }

    func logEpochs(_ run: URL) throws -> [Int] {
        let text = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONDecoder().decode(EpochLog.self, from: Data($0.utf8)).epoch
        }
    }

    func testResumeAfterAKillBetweenLogAndCheckpointLogsEveryEpochOnce() throws {
        let out = temporaryDirectory("run")
        let text = tinyConfig(shards: Self.shards, output: out, epochs: 3, hidden: 2)
            .replacingOccurrences(of: "  workers: 2", with: "  workers: 1\n  checkpoint_every: 1")
        // Epochs 1 and 2 run and are logged; the kill comes while epoch 2's checkpoint is being written.
        let first = try TrainingRun(trainer: try trainer(text), totalEpochs: 3, start: .fresh(overwrite: false))
        _ = try first.append(try first.trainer.runEpoch())
        try first.trainer.saveCheckpoint(to: out.appendingPathComponent("epoch_0001.h5"))
        _ = try first.append(try first.trainer.runEpoch())
        try Data(count: 100).write(to: out.appendingPathComponent(".epoch_0002.h5.partial"))
        XCTAssertEqual(try logEpochs(out), [1, 2])

        let resumed = try trainer(text)
        try resumed.loadCheckpoint(from: out.appendingPathComponent("epoch_0001.h5"))
        let run = try TrainingRun(trainer: resumed, totalEpochs: 3, start: .resume)
        XCTAssertEqual(try logEpochs(out), [1])
        XCTAssertTrue(run.notes.contains { $0.contains("dropped 1 line(s)") }, "\(run.notes)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".epoch_0002.h5.partial").path))
        try run.run()
        XCTAssertEqual(try logEpochs(out), [1, 2, 3])
    }

    func testAnExistingRunIsRefusedWithoutResumeOrOverwrite() throws {
        let out = temporaryDirectory("run")
        let text = tinyConfig(shards: Self.shards, output: out, epochs: 1, hidden: 2)
        try TrainingRun(trainer: try trainer(text), totalEpochs: 1, start: .fresh(overwrite: false)).run()
        let checkpoint = out.appendingPathComponent("epoch_0001.h5")
        let before = try Data(contentsOf: checkpoint)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        XCTAssertThrowsError(try TrainingRun(trainer: try trainer(text), totalEpochs: 1, start: .fresh(overwrite: false))) {
            XCTAssertTrue("\($0)".contains("--resume") && "\($0)".contains("--overwrite"), "\($0)")
        }
        XCTAssertEqual(try Data(contentsOf: checkpoint), before)
        XCTAssertEqual(try logEpochs(out), [1])
        // --overwrite deletes the run's own files only.
        let again = try TrainingRun(trainer: try trainer(text), totalEpochs: 1, start: .fresh(overwrite: true))
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpoint.path))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8), "mine")
        try again.run()
        XCTAssertEqual(try logEpochs(out), [1])
    }

    func testResumingACheckpointThatIsAlreadyDoneIsRefused() throws {
        let out = temporaryDirectory("run")
        let text = tinyConfig(shards: Self.shards, output: out, epochs: 2, hidden: 2)
        try TrainingRun(trainer: try trainer(text), totalEpochs: 2, start: .fresh(overwrite: false)).run()
        let resumed = try trainer(text)
        try resumed.loadCheckpoint(from: out.appendingPathComponent("epoch_0002.h5"))
        XCTAssertThrowsError(try TrainingRun(trainer: resumed, totalEpochs: 1, start: .resume)) {
            XCTAssertTrue("\($0)".contains("completed 2 epoch(s)") && "\($0)".contains("nothing to do"), "\($0)")
        }
    }

    func testAConfigThatCannotFitIsRefusedBeforeAllocating() throws {
        let out = temporaryDirectory("run")
        // Inside the schema's ranges, far beyond any machine: batch 4096 at 256 channels is ~3.5 TiB of activations.
        let text = tinyConfig(shards: Self.shards, output: out, hidden: 256)
            .replacingOccurrences(of: "  batch: 8", with: "  batch: 4096")
        let config = try TrainConfig.parse(text, file: "big.yaml")
        let estimate = MemoryEstimate(config)
        XCTAssertEqual(estimate.activations, 4096 * 256 * 3.5 * 1_048_576)
        XCTAssertThrowsError(try Trainer(config: config, configText: text, configFile: "big.yaml")) {
            let text = "\($0)"
            XCTAssertTrue(text.hasPrefix("big.yaml: this config needs about"), text)
            XCTAssertTrue(text.contains("--max-memory-gib"), text)
        }
        // The tiny config fits in 1 GiB but not in a 0.1 GiB limit.
        let tiny = try TrainConfig.parse(tinyConfig(shards: Self.shards, output: out), file: "tiny.yaml")
        XCTAssertLessThan(MemoryEstimate(tiny).total, Double(1 << 30))
        XCTAssertThrowsError(try MemoryEstimate(tiny).check(limitBytes: 0.1 * Double(1 << 30), file: "tiny.yaml"))
        // The old ranges that let `queue: 16777216` with `feature_dim: 4096` through are tightened.
        for (key, value) in [("queue", "16777216"), ("feature_dim", "4096"), ("hidden_channels", "1024")] {
            let bad = tinyConfig(shards: Self.shards, output: out)
                .replacingOccurrences(of: #"(?m)^(\s+)\#(key): \d+"#, with: "$1\(key): \(value)", options: .regularExpression)
            XCTAssertThrowsError(try TrainConfig.parse(bad, file: "t.yaml"), key) {
                XCTAssertTrue("\($0)".contains("out of range"), "\($0)")
            }
        }
        let unnamed = tinyConfig(shards: Self.shards, output: out).replacingOccurrences(of: "name: test-run", with: "name: ''")
        XCTAssertThrowsError(try TrainConfig.parse(unnamed, file: "t.yaml")) {
            XCTAssertTrue("\($0)".contains("[name]: must not be empty"), "\($0)")
        }
    }
}
