import Foundation
import Shards
import TestSupport
import Train
import XCTest

/// The built `hiclr` executable, next to this test bundle (`swift build --build-tests` builds both).
func hiclrExecutable() throws -> String {
    let root = FuzzTests.repository.appendingPathComponent(".build")
    for candidate in ["debug/hiclr", "release/hiclr"] where FileManager.default.isExecutableFile(atPath: root.appendingPathComponent(candidate).path) {
        return root.appendingPathComponent(candidate).path
    }
    throw XCTSkip("no built hiclr executable under .build (run `swift build` first)")
}

/// A child process whose output goes to a file; `kill9()` ends it with SIGKILL.
struct Child {
    let process = Process()
    let log: URL

    init(_ arguments: [String], fault: String? = nil, log: URL) throws {
        self.log = log
        process.executableURL = URL(fileURLWithPath: try hiclrExecutable())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HICLR_FAULT_POINT"] = fault
        process.environment = env
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits for the exit status (SIGKILL shows as 9 with reason uncaughtSignal).
    func wait(killAfter seconds: Double? = nil) -> (status: Int32, killed: Bool) {
        if let seconds {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

/// Issue 13 fault injection: `kill -9` of `convert` and `train` at named points and at seeded random times,
/// then the documented recovery (README "What happens when things go wrong"): no data loss, no stale files,
/// and results identical to an uninterrupted run.
final class FaultInjectionTests: XCTestCase {
    let fm = FileManager.default
    static let seed = UInt64(ProcessInfo.processInfo.environment["HICLR_FAULT_SEED"] ?? "") ?? 7

    func convertArguments(_ out: URL, shardSize: Int) -> [String] {
        ["convert", "ntu60", "--raw", FuzzTests.fixtures.appendingPathComponent("ntu60").path,
         "--missing", FuzzTests.fixtures.appendingPathComponent("ntu60/missing_skeletons.txt").path,
         "--out", out.path, "--shard-size", String(shardSize), "--workers", "2", "--overwrite"]
    }

    /// Files of `dir` and its hidden siblings that are not part of a finished conversion.
    func leftovers(_ out: URL) throws -> [String] {
        let parent = out.deletingLastPathComponent()
        var stale = try fm.contentsOfDirectory(atPath: parent.path).filter { $0.hasPrefix(".\(out.lastPathComponent).") }
        if fm.fileExists(atPath: out.path) {
            stale += try fm.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".partial") }
        }
        return stale
    }

    func testKilledConversionsRecoverToTheUninterruptedResult() throws {
        let root = try makeTemporaryDirectory(self, tag: "fault-convert")
        // The uninterrupted reference.
        let reference = root.appendingPathComponent("reference")
        let straight = try Child(convertArguments(reference, shardSize: 4), log: root.appendingPathComponent("ref.log")).wait()
        XCTAssertEqual(straight.status, 0)
        let expected = try Manifest.load(from: reference).shards

        var rng = FuzzRandom(seed: Self.seed)
        let points: [(String?, Double?)] = [("convert.written", nil), ("convert.swap", nil), ("convert.mid-swap", nil),
                                            ("convert.retire", nil)]
            + (0..<3).map { _ in (nil, 0.05 + Double(rng.below(1000)) / 1000) }
        for (index, (point, delay)) in points.enumerated() {
            let label = point ?? String(format: "kill after %.3f s", delay!)
            let out = root.appendingPathComponent("out\(index)")
            // An earlier conversion (other shard size) that must never be lost.
            XCTAssertEqual(try Child(convertArguments(out, shardSize: 64), log: root.appendingPathComponent("old\(index).log"))
                .wait().status, 0)
            let old = try Manifest.load(from: out).shards
            let killed = try Child(convertArguments(out, shardSize: 4), fault: point,
                                   log: root.appendingPathComponent("killed\(index).log")).wait(killAfter: delay)
            if point != nil { XCTAssertTrue(killed.killed, "\(label): not killed") }
            // No data loss: a complete conversion (old or new) is in out, or (killed mid-swap) in .replaced.
            let retired = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).replaced")
            let holder = fm.fileExists(atPath: out.appendingPathComponent(Manifest.fileName).path) ? out : retired
            let shards = try Manifest.load(from: holder).shards
            XCTAssertTrue(shards == old || shards == expected, "\(label): neither the old nor the new conversion")
            XCTAssertEqual(try ShardSet(directory: holder).verify(), [], label)
            // The documented recovery: run the same command again.
            let again = try Child(convertArguments(out, shardSize: 4), log: root.appendingPathComponent("again\(index).log"))
            let status = again.wait().status
            XCTAssertEqual(status, 0, "\(label): \(again.output)")
            XCTAssertEqual(try Manifest.load(from: out).shards, expected, "\(label): not byte-identical")
            XCTAssertEqual(try ShardSet(directory: out).verify(), [], label)
            XCTAssertEqual(try leftovers(out), [], "\(label): stale files")
            XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out.path)),
                           Set(expected.map(\.file) + [Manifest.fileName]), label)
        }
    }

    /// A run config over a small conversion: 3 epochs, a checkpoint after each.
    func trainConfig(shards: URL, output: URL) -> String {
        """
        name: fault
        shards: \(shards.path)
        benchmark: xsub
        pipeline: \(FuzzTests.repository.appendingPathComponent("pipelines/hiclr.yaml").path)
        seed: 5
        output: \(output.path)
        model: {hidden_channels: 2, hidden_dim: 8, feature_dim: 4}
        moco: {queue: 8, momentum: 0.9}
        optimizer: {lr: 0.05, milestones: [2]}
        schedule: {epochs: 3, batch: 4, workers: 1, checkpoint_every: 1}
        """
    }

    /// Log lines without their timing fields.
    func losses(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            var entry = try JSONDecoder().decode(EpochLog.self, from: Data(line.utf8))
            entry.seconds = 0
            entry.samplesPerSecond = 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(entry), as: UTF8.self)
        }
    }

    func tensors(_ url: URL) throws -> [String: [Float]] {
        try StateDictFile.read(url).tensors.mapValues(\.values)
    }

    func testKilledTrainingResumesToTheUninterruptedResult() throws {
        let root = try makeTemporaryDirectory(self, tag: "fault-train")
        let shards = root.appendingPathComponent("shards")
        XCTAssertEqual(try Child(convertArguments(shards, shardSize: 64), log: root.appendingPathComponent("c.log")).wait().status, 0)
        func train(_ name: String, extra: [String] = [], fault: String? = nil, killAfter: Double? = nil) throws
            -> (URL, Int32, Bool, String) {
            let run = root.appendingPathComponent(name)
            let config = root.appendingPathComponent("\(name).yaml")
            try trainConfig(shards: shards, output: run).write(to: config, atomically: true, encoding: .utf8)
            let child = try Child(["train", "--config", config.path] + extra, fault: fault,
                                  log: root.appendingPathComponent("\(name)-\(extra.count)-\(fault ?? "t").log"))
            let (status, killed) = child.wait(killAfter: killAfter)
            return (run, status, killed, child.output)
        }
        let (reference, status, _, output) = try train("reference")
        XCTAssertEqual(status, 0, output)
        let expectedLog = try losses(reference)
        XCTAssertEqual(expectedLog.count, 3)
        let expectedFinal = try tensors(reference.appendingPathComponent("epoch_0003.h5"))

        var rng = FuzzRandom(seed: Self.seed ^ 0x7472)
        let cases: [(String?, Double?)] = [("train.logged", nil)] + (0..<2).map { _ in (nil, 0.3 + Double(rng.below(3000)) / 1000) }
        for (index, (point, delay)) in cases.enumerated() {
            let name = "run\(index)"
            let label = point ?? String(format: "kill after %.3f s", delay!)
            let (run, _, killed, _) = try train(name, fault: point, killAfter: delay)
            if point != nil { XCTAssertTrue(killed, "\(label): not killed") }
            // Documented recovery: resume from the newest checkpoint; with none, start again with --overwrite.
            let checkpoints = ((try? fm.contentsOfDirectory(atPath: run.path)) ?? [])
                .filter { $0.hasPrefix("epoch_") && $0.hasSuffix(".h5") }.sorted()
            let extra = checkpoints.last.map { ["--resume", run.appendingPathComponent($0).path] } ?? ["--overwrite"]
            if checkpoints.last != "epoch_0003.h5" {                            // else it finished before the kill
                let (_, again, _, out) = try train(name, extra: extra)
                XCTAssertEqual(again, 0, "\(label): \(out)")
            }
            XCTAssertEqual(try losses(run), expectedLog, "\(label): log.jsonl differs (duplicate or missing epochs?)")
            XCTAssertEqual(try tensors(run.appendingPathComponent("epoch_0003.h5")), expectedFinal, label)
            XCTAssertFalse(try fm.contentsOfDirectory(atPath: run.path).contains { $0.hasSuffix(".partial") }, label)
        }
    }
}
