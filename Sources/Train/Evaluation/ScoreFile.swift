import Foundation
import HDF5
import SkeletonCore
import TensorModule

/// Class scores of an evaluation, saved for multi-stream fusion: datasets `scores` `[N, K]` (softmax),
/// `labels` and `names`, plus attributes naming the protocol, stream and checkpoint.
public struct ScoreFile {
    public var scores: Tensor
    public var labels: [Int]
    public var names: [String]
    public var attributes: [String: String]

    public init(scores: Tensor, labels: [Int], names: [String], attributes: [String: String]) {
        self.scores = scores; self.labels = labels; self.names = names; self.attributes = attributes
    }

    public func write(to url: URL) throws {
        let file = try HDF5File(creating: url.path)
        try file.createDataset("scores", type: .float32, shape: scores.shape).write(scores.values)
        try file.createDataset("labels", type: .int64, shape: [labels.count]).write(labels.map(Int64.init))
        try file.createDataset("names", type: .string, shape: [names.count]).write(strings: names)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { try file.setAttribute(k, .string(v)) }
        try file.close()
    }

    public static func read(_ url: URL) throws -> ScoreFile {
        let file = try HDF5File(opening: url.path)
        let scores = try file.openDataset("scores")
        let shape = try scores.shape
        guard shape.count == 2 else { throw InputError(file: url.path, field: "scores", "expected [N, classes], got \(shape)") }
        var attributes: [String: String] = [:]
        for name in try file.attributeNames() { attributes[name] = try? file.stringAttribute(name) }
        return ScoreFile(scores: Tensor(shape: shape, values: try scores.read(Float.self)),
                         labels: try file.openDataset("labels").read(Int64.self).map { Int($0) },
                         names: try file.openDataset("names").readStrings(), attributes: attributes)
    }

    /// The multi-stream ensemble: scores added sample by sample. All files must cover the same samples in
    /// the same order with the same labels and class count.
    public static func fuse(_ files: [(URL, ScoreFile)]) throws -> ScoreFile {
        guard let (firstURL, first) = files.first else { throw InputError(file: "-", "no score files to fuse") }
        let sum = first.scores.copy()
        for (url, other) in files.dropFirst() {
            guard other.names == first.names, other.labels == first.labels, other.scores.shape == first.scores.shape else {
                throw InputError(file: url.path, "covers other samples, labels or classes than \(firstURL.lastPathComponent)")
            }
            Elementwise.addInPlace(sum, other.scores)
        }
        return ScoreFile(scores: sum, labels: first.labels, names: first.names,
                         attributes: ["protocol": "fusion", "inputs": files.map { $0.0.lastPathComponent }.joined(separator: ",")])
    }
}
