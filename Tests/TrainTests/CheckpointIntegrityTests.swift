import Foundation
import HDF5
import TensorModule
import TestSupport
import Train
import XCTest

/// Issue 13 defect 8: every dataset of a checkpoint carries its sha256 and the root attributes theirs; a damaged
/// checkpoint is refused by `--resume` and `eval`, naming the file and the dataset.
final class CheckpointIntegrityTests: XCTestCase {
    static var shards: URL!
    override class func setUp() { shards = try! makeSyntheticShards(perClass: 4, valPerClass: 2) }

    func trainer(_ out: URL) throws -> Trainer {
        let text = tinyConfig(shards: Self.shards, output: out, epochs: 1, hidden: 2)
        return try Trainer(config: try TrainConfig.parse(text, file: "test.yaml"), configText: text)
    }

    /// A checkpoint after one epoch; its tensors and root attributes as read back.
    func checkpoint() throws -> (URL, [String: [Float]], [String: HDF5AttributeValue]) {
        let out = temporaryDirectory("ckpt")
        let t = try trainer(out)
        _ = try t.runEpoch()
        let url = out.appendingPathComponent("epoch_0001.h5")
        try t.saveCheckpoint(to: url)
        let (tensors, file) = try StateDictFile.read(url)
        var attributes: [String: HDF5AttributeValue] = [:]
        for name in try file.attributeNames() { attributes[name] = try file.attribute(name) }
        return (url, tensors.mapValues(\.values), attributes)
    }

    func testEveryDatasetCarriesTheSha256H5pyComputes() throws {
        let (url, tensors, attributes) = try checkpoint()
        let file = try HDF5File(opening: url.path)
        XCTAssertNotNil(attributes[StateDictFile.metadataChecksumAttribute])
        for name in tensors.keys {
            let stored = try file.openDataset(name).stringAttribute(StateDictFile.checksumAttribute)
            XCTAssertEqual(stored.count, 64, name)
        }
        guard FileManager.default.fileExists(atPath: "/usr/bin/python3") else { return }
        let script = """
        import h5py, hashlib, sys
        f = h5py.File(sys.argv[1], "r")
        bad = [k for k in f if hashlib.sha256(f[k][()].tobytes()).hexdigest() != f[k].attrs["sha256"]]
        lines = "".join(f"{k}={f.attrs[k].decode() if isinstance(f.attrs[k], bytes) else f.attrs[k]}\\n"
                        for k in sorted(f.attrs) if k != "metadata_sha256")
        meta = hashlib.sha256(lines.encode()).hexdigest() == f.attrs["metadata_sha256"]
        print("bad", len(bad), "of", len(list(f)), "meta", meta)
        """
        let (status, output) = try runProcess("/usr/bin/python3", ["-c", script, url.path])
        if output.contains("No module named 'h5py'") { return }
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("bad 0 of") && output.contains("meta True"), output)
    }

    func testAFlipInsideAWeightIsRefusedNamingFileAndDataset() throws {
        let (url, tensors, _) = try checkpoint()
        var bytes = [UInt8](try Data(contentsOf: url))
        // The first tensor (by name, so every run picks the same one) whose first 16 values occur exactly once in
        // the file: a constant tensor (edge importances start as ones) or a copy (encoder_k) would be ambiguous.
        var chosen: (name: String, offset: Int)?
        for (name, values) in tensors.sorted(by: { $0.key < $1.key }) where values.count > 32 {
            let pattern = values.prefix(16).withUnsafeBytes { Array($0) }
            if let offset = find(pattern, in: bytes), find(pattern, in: bytes, from: offset + 1) == nil {
                chosen = (name, offset)
                break
            }
        }
        let (target, offset) = try XCTUnwrap(chosen, "no weight stored uncompressed with a unique prefix")
        bytes[offset + 5] ^= 0x10
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try trainer(temporaryDirectory("resume")).loadCheckpoint(from: url)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains(url.path) && text.contains("[\(target)]") && text.contains("damaged"), text)
        }
    }

    func testSeededByteFlipsAreDetectedOrChangeNothing() throws {
        let (url, tensors, attributes) = try checkpoint()
        let original = try Data(contentsOf: url)
        var rng = UInt64(0x5eed)
        var detected = 0, harmless = 0
        for trial in 0..<24 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var bytes = [UInt8](original)
            let offset = Int((rng >> 33) % UInt64(bytes.count))
            bytes[offset] ^= UInt8(1 << ((rng >> 20) % 8))
            try Data(bytes).write(to: url)
            do {
                let (read, file) = try StateDictFile.read(url)
                var readAttributes: [String: HDF5AttributeValue] = [:]
                for name in try file.attributeNames() { readAttributes[name] = try file.attribute(name) }
                XCTAssertEqual(read.mapValues(\.values), tensors, "trial \(trial): flip at \(offset) changed a tensor silently")
                XCTAssertEqual(readAttributes, attributes, "trial \(trial): flip at \(offset) changed an attribute silently")
                harmless += 1
            } catch {
                XCTAssertTrue("\(error)".contains(url.path), "trial \(trial): \(error)")
                detected += 1
            }
        }
        print("checkpoint flips: \(detected) detected, \(harmless) in bytes that hold no value")
        XCTAssertGreaterThan(detected, 0)
    }

    func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard start + pattern.count <= bytes.count else { return nil }
        outer: for i in start...(bytes.count - pattern.count) {
            for j in 0..<pattern.count where bytes[i + j] != pattern[j] { continue outer }
            return i
        }
        return nil
    }
}
