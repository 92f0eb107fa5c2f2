import Crypto
import Foundation
import HDF5
import SkeletonCore
import TensorModule

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
    /// Each dataset's attribute holding the sha256 (hex) of its stored values, as h5py computes it:
    /// `hashlib.sha256(f[k][()].tobytes()).hexdigest()` (C order, little-endian float32 or int64).
    public static let checksumAttribute = "sha256"
    /// The root attribute holding the sha256 (hex) of the other root attributes: UTF-8 lines `name=value\n`,
    /// sorted by name, strings as they are, integers in decimal.
    public static let metadataChecksumAttribute = "metadata_sha256"

    static func hex<T>(_ values: [T]) -> String {
        values.withUnsafeBytes { SHA256.hash(data: $0) }.map { String(format: "%02x", $0) }.joined()
    }

    static func metadataDigest(_ attributes: [String: HDF5AttributeValue]) -> String {
        var text = ""
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) where key != metadataChecksumAttribute {
            switch value {
            case .string(let v): text += "\(key)=\(v)\n"
            case .int64(let v): text += "\(key)=\(v)\n"
            default: text += "\(key)=\(value)\n"
            }
        }
        return hex(Array(text.utf8))
    }

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
                    let values = entry.tensor.values.map { Int64($0.rounded()) }
                    let dataset = try file.createDataset(entry.name, type: .int64, shape: shape)
                    try dataset.write(values)
                    try dataset.setAttribute(checksumAttribute, .string(hex(values)))
                } else {
                    let dataset = try file.createDataset(entry.name, type: .float32, shape: shape)
                    try dataset.write(entry.tensor.values)
                    try dataset.setAttribute(checksumAttribute, .string(hex(entry.tensor.values)))
                }
            }
            var attributes = attributes
            attributes[layoutVersionAttribute] = .int64(layoutVersion)
            attributes[metadataChecksumAttribute] = .string(metadataDigest(attributes))
            for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { try file.setAttribute(key, value) }
        }
    }

    /// Every dataset of the file (int64 counters converted to Float), keyed by name. Each dataset's values are
    /// checked against its stored sha256, and the root attributes against `metadata_sha256` (when the file has
    /// them: files written by other tools may not): a damaged checkpoint is an error naming the file and dataset.
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
            let digest: String
            switch try dataset.elementType {
            case .float32:
                values = try dataset.read(Float.self)
                digest = hex(values)
            case .float64:
                let raw = try dataset.read(Double.self)
                (values, digest) = (raw.map(Float.init), hex(raw))
            case .int64:
                let raw = try dataset.read(Int64.self)
                (values, digest) = (raw.map(Float.init), hex(raw))
            case .int32:
                let raw = try dataset.read(Int32.self)
                (values, digest) = (raw.map(Float.init), hex(raw))
            default: throw InputError(file: url.path, field: name, "unsupported element type")
            }
            if try dataset.attributeNames().contains(checksumAttribute) {
                let stored = try dataset.stringAttribute(checksumAttribute)
                guard stored == digest else {
                    throw InputError(file: url.path, field: name, "the values' sha256 \(digest.prefix(16))… does not "
                                     + "match the \(stored.prefix(16))… stored when the checkpoint was written: the file "
                                     + "is damaged (use an earlier checkpoint)")
                }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        let names = try file.attributeNames()
        if names.contains(metadataChecksumAttribute) {
            var attributes: [String: HDF5AttributeValue] = [:]
            for name in names { attributes[name] = try file.attribute(name) }
            let stored = try file.stringAttribute(metadataChecksumAttribute)
            guard stored == metadataDigest(attributes) else {
                throw InputError(file: url.path, field: metadataChecksumAttribute,
                                 "the root attributes (epoch, config, …) do not match their stored sha256: the file "
                                 + "is damaged (use an earlier checkpoint)")
            }
        }
        return (tensors, file)
    }
}
