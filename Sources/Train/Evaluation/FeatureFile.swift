import Foundation
import HDF5
import SkeletonCore
import TensorModule

/// Pooled encoder features of one part, saved for the user's own probes and plots (`hiclr eval features`):
/// datasets `features` `[N, D]` float32, `label` int64 `[N]` and `name` string `[N]`, rows in shard order,
/// plus string attributes naming the checkpoint, stream, benchmark and part. Read with
/// `h5py.File(path)['features'][()]`.
public enum FeatureFile {
    public static func write(_ set: FeatureSet, attributes: [String: String], to url: URL) throws {
        try HDF5File.writeAtomically(to: url.path) { file in
            try file.createDataset("features", type: .float32, shape: set.features.shape).write(set.features.values)
            try file.createDataset("label", type: .int64, shape: [set.count]).write(set.labels.map(Int64.init))
            try file.createDataset("name", type: .string, shape: [set.count]).write(strings: set.names)
            for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { try file.setAttribute(key, .string(value)) }
        }
    }

    public static func read(_ url: URL) throws -> FeatureSet {
        let file = try HDF5File(opening: url.path)
        let features = try file.openDataset("features")
        let shape = try features.shape
        guard shape.count == 2 else { throw InputError(file: url.path, field: "features", "expected [N, D], got \(shape)") }
        let labels = try file.openDataset("label").read(Int64.self).map { Int($0) }
        let names = try file.openDataset("name").readStrings()
        guard labels.count == shape[0], names.count == shape[0] else {
            throw InputError(file: url.path, field: "label", "\(labels.count) labels and \(names.count) names for \(shape[0]) rows")
        }
        return FeatureSet(features: Tensor(shape: shape, values: try features.read(Float.self)), labels: labels, names: names)
    }
}
