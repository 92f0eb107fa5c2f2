import CounterRandom
import Foundation
import HDF5
import Models
import SkeletonCore
import TensorModule
import TestSupport
@testable import Train
import XCTest

/// The checkpoint is the reference model's `state_dict`: same keys, shapes and dtypes, so it loads into
/// JHang2020/HiCLR `net.hiclr.HiCLR` with `strict=True`.
///
/// `Golden/reference_state_dict.json` lists (key, shape, dtype) of the reference model's `state_dict()`, taken by
/// instantiating the reference code (commit 49ffdf8) with the `model_args` of
/// `config/release/gcn_ntu60/pretext/pretext_hiclr_xsub_joint.yaml` and `queue_size` 64. The facts it encodes are in
/// the reference source: `mask_param` of shape (1,) (`net/hiclr.py` line 24), `queue` (feature_dim, K) and int64
/// `queue_ptr` of shape (1,) (lines 70-72), the encoder's `data_bn = BatchNorm1d(in_channels * V)`
/// (`net/st_gcn.py` line 25) and PyTorch's 0-d int64 `num_batches_tracked`.
final class CheckpointLayoutTests: XCTestCase {
    struct Golden: Decodable {
        let entries: [[Entry]]
        enum Entry: Decodable {
            case text(String), shape([Int])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .text(s) } else { self = .shape(try c.decode([Int].self)) }
            }
        }
    }

    func goldenEntries() throws -> [(name: String, shape: [Int], dtype: String)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/reference_state_dict.json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        return golden.entries.map {
            guard case let .text(name) = $0[0], case let .shape(shape) = $0[1], case let .text(dtype) = $0[2] else {
                preconditionFailure("malformed golden entry")
            }
            return (name, shape, dtype)
        }
    }

    func referenceShapedModel() -> HiCLRModel {
        HiCLRModel(encoder: .hiclr, queueSize: 64, momentum: 0.999, loss: HiCLRLoss(), key: RandomKey(seed: 5))
    }

    func testStateEntriesAreTheReferenceKeysShapesAndOrder() throws {
        let golden = try goldenEntries()
        XCTAssertEqual(golden.count, 365)
        let ours = referenceShapedModel().stateEntries()
        XCTAssertEqual(ours.map(\.name), golden.map(\.name))
        for (entry, reference) in zip(ours, golden) {
            XCTAssertEqual(entry.tensor.shape, reference.shape, entry.name)
            XCTAssertEqual(entry.isCounter ? "int64" : "float32", reference.dtype, entry.name)
        }
    }

    /// A fresh checkpoint read back by h5py + NumPy alone has exactly the reference's keys, shapes and dtypes.
    func testCheckpointFileRebuildsTheReferenceStateDictWithH5py() throws {
        guard let python = findPython() else { throw XCTSkip("python3 not found") }
        let dir = try makeTemporaryDirectory(self, tag: "ckpt-layout")
        let path = dir.appendingPathComponent("fresh.h5")
        let model = referenceShapedModel()
        try StateDictFile.write(model.stateEntries(), attributes: ["format": .string("test")], to: path)
        let golden = try goldenEntries()
        let expected = golden.map { "\($0.name) \($0.shape.map(String.init).joined(separator: ",")) \($0.dtype)" }
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            assert int(f.attrs['layout_version']) == 2, f.attrs['layout_version']
            state = {k: np.asarray(f[k][()]) for k in f}
        for k in sorted(state):
            v = state[k]
            print(k, ','.join(str(d) for d in v.shape), v.dtype)
        """
        let (status, output) = try runProcess(python, ["-c", script, path.path])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, expected.sorted())
    }

    func testScalarCountersRoundTrip() throws {
        let dir = try makeTemporaryDirectory(self, tag: "ckpt-layout")
        let path = dir.appendingPathComponent("c.h5")
        let counter = Tensor(shape: [], values: [7])
        try StateDictFile.write([.init(name: "bn.num_batches_tracked", tensor: counter, isCounter: true),
                                 .init(name: "w", tensor: Tensor(shape: [2], values: [1, 2]))],
                                attributes: [:], to: path)
        let (tensors, _) = try StateDictFile.read(path)
        XCTAssertEqual(tensors["bn.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(tensors["bn.num_batches_tracked"]?.values, [7])
        XCTAssertEqual(tensors["w"]?.values, [1, 2])
    }

    /// A file without `layout_version` (every checkpoint written before the reference data_bn layout) is refused
    /// with a message that names its layout version and ours.
    func testOldLayoutIsRefusedNamingTheVersion() throws {
        let dir = try makeTemporaryDirectory(self, tag: "ckpt-layout")
        let path = dir.appendingPathComponent("old.h5")
        let file = try HDF5File(creating: path.path)
        try file.createDataset("encoder_q.data_bn.weight", type: .float32, shape: [150]).write([Float](repeating: 1, count: 150))
        try file.setAttribute("format", .string(Trainer.checkpointFormat))
        try file.close()
        XCTAssertThrowsError(try StateDictFile.read(path)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("layout version 1"), message)
            XCTAssertTrue(message.contains("layout version 2"), message)
            XCTAssertTrue(message.contains(path.path), message)
        }
    }
}
