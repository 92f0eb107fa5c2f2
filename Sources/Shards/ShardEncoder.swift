import HDF5
import SkeletonCore

/// A sample whose three streams are already compressed into their shard chunks (shuffle + deflate), ready
/// for `ShardWriter.append(_:)` without further CPU work. Encode once, append to several writers (e.g. the
/// same sample in the xsub and the xview shards).
public struct EncodedShardSample: Sendable {
    public var name: String
    public var label: Int
    public var length: Int
    public var bodies: Int
    /// The compressed chunk of each stream, in `SkeletonStream.allCases` order (joint, bone, motion).
    public let chunks: [[UInt8]]
    /// The codec that produced `chunks`.
    public let codec: HDF5ChunkCodec

    /// Use `ShardEncoder.encode(_:)`; this initialiser is for chunks encoded elsewhere with `codec`.
    public init(name: String, label: Int, length: Int, bodies: Int, chunks: [[UInt8]], codec: HDF5ChunkCodec) {
        self.name = name
        self.label = label
        self.length = length
        self.bodies = bodies
        self.chunks = chunks
        self.codec = codec
    }

    /// Compressed bytes of the three streams.
    public var encodedBytes: Int { chunks.reduce(0) { $0 + $1.count } }
}

/// Compresses samples into shard chunks. Pure computation: safe to call from many threads at once, which
/// is the point — converter workers encode in parallel and the writer only stores bytes.
public struct ShardEncoder: Sendable, Equatable {
    public let codec: HDF5ChunkCodec

    /// An encoder for the shard pipeline (float32, shuffle, deflate at `deflateLevel` with `strategy`).
    public init(deflateLevel: Int = ShardFormat.defaultDeflateLevel, strategy: HDF5DeflateStrategy = .standard) {
        codec = HDF5ChunkCodec(elementSize: MemoryLayout<Float>.size, shuffle: true, deflateLevel: deflateLevel,
                               strategy: strategy)
    }

    /// Compresses the three streams of `sample`; each clip must have 50 frames.
    public func encode(_ sample: ShardSample) throws -> EncodedShardSample {
        var chunks: [[UInt8]] = []
        for stream in SkeletonStream.allCases {
            let clip = sample.clip(stream)
            guard clip.frames == SkeletonLayout.frames else {
                throw InputError(file: sample.name, field: stream.rawValue,
                                 "clip has \(clip.frames) frames, shards store \(SkeletonLayout.frames)")
            }
            do {
                chunks.append(try clip.values.withUnsafeBytes { try codec.encode($0) })
            } catch let error as HDF5Error {
                throw InputError(file: sample.name, field: stream.rawValue, error.message)
            }
        }
        return EncodedShardSample(name: sample.name, label: sample.label, length: sample.length,
                                  bodies: sample.bodies, chunks: chunks, codec: codec)
    }
}
