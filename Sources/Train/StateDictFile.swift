import Foundation
import HDF5
import SkeletonCore
import Tensor

/// A PyTorch-style `state_dict` in HDF5: one dataset per entry, named exactly as the key
/// (`encoder_q.st_gcn_networks.0.gcn.conv.weight`, `queue`, …) with the entry's shape; counters
/// (`num_batches_tracked`, `queue_ptr`) as int64 like PyTorch, everything else float32. Extra metadata goes
/// into root attributes. h5py reads it as `{k: torch.from_numpy(f[k][()]) for k in f}`.
///
/// Shapes are PyTorch's own, so the dictionary loads into the reference model with `strict=True`: a 0-d
/// tensor (`num_batches_tracked`) is a scalar dataset. The root attribute `layout_version` names the layout
/// (see docs/checkpoints.md); files of another layout are refused with a message that names both versions.
public enum StateDictFile {
    /// The layout this tool writes and reads.
    /// 1: (before it had a version) `data_bn` over M·V·C = 150 channels, counters of shape (1,).
    /// 2: `data_bn` over V·C = 75 channels as the reference, 0-d `num_batches_tracked`.
    public static let layoutVersion: Int64 = 2
    /// The root attribute that holds ``layoutVersion``.
    public static let layoutVersionAttribute = "layout_version"

    public struct Entry {
        public var name: String
        public var tensor: Tensor
        public var isCounter: Bool

        public init(name: String, tensor: Tensor, isCounter: Bool = false) {
            self.name = name
            self.tensor = tensor
            self.isCounter = isCounter
        }
    }

    /// Writes `entries` and `attributes` to `url` through a temporary file renamed at the end, so a crash
    /// never leaves a half checkpoint under the final name.
    public static func write(_ entries: [Entry], attributes: [String: HDF5AttributeValue], to url: URL) throws {
        try HDF5File.writeAtomically(to: url.path) { file in
            for entry in entries {
                let shape = entry.tensor.shape
                if entry.isCounter {
                    try file.createDataset(entry.name, type: .int64, shape: shape)
                        .write(entry.tensor.values.map { Int64($0.rounded()) })
                } else {
                    try file.createDataset(entry.name, type: .float32, shape: shape).write(entry.tensor.values)
                }
            }
            var attributes = attributes
            attributes[layoutVersionAttribute] = .int64(layoutVersion)
            for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { try file.setAttribute(key, value) }
        }
    }

    /// Every dataset of the file (int64 counters converted to Float), keyed by name.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], file: HDF5File) {
        let file: HDF5File
        do { file = try HDF5File(opening: url.path) } catch {
            throw InputError(file: url.path, "cannot open checkpoint: \(error)")
        }
        let version = (try? file.int64Attribute(layoutVersionAttribute)) ?? 1
        guard version == layoutVersion else {
            throw InputError(file: url.path, field: layoutVersionAttribute,
                             "checkpoint layout version \(version)"
                             + (version == 1 ? " (written before data_bn followed the reference's 75 channels)" : "")
                             + "; this tool reads layout version \(layoutVersion): retrain, or convert the weights "
                             + "with the hiclr Python package")
        }
        var tensors: [String: Tensor] = [:]
        for name in try file.children() {
            guard try file.kind(of: name) == .dataset else { continue }
            let dataset = try file.openDataset(name)
            let shape = try dataset.shape
            let values: [Float]
            switch try dataset.elementType {
            case .float32: values = try dataset.read(Float.self)
            case .float64: values = try dataset.read(Double.self).map(Float.init)
            case .int64: values = try dataset.read(Int64.self).map(Float.init)
            case .int32: values = try dataset.read(Int32.self).map(Float.init)
            default: throw InputError(file: url.path, field: name, "unsupported element type")
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return (tensors, file)
    }
}
