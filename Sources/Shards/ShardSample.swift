import Foundation
import HDF5
import SkeletonCore

/// One preprocessed sample as stored in a shard: its three streams (50 frames each) and metadata.
public struct ShardSample: Equatable, Sendable {
    /// Sample name, e.g. "S001C001P001R001A001" (NTU) or "0002-L_17" (PKU).
    public var name: String
    /// 0-based action label.
    public var label: Int
    /// Valid frames before resizing to 50.
    public var length: Int
    /// Bodies present (0…2).
    public var bodies: Int
    public var joint: SkeletonClip
    public var bone: SkeletonClip
    public var motion: SkeletonClip
    /// The sample's frames before preprocessing, when the shards keep them (`convert --keep-raw`).
    public var raw: RawFrames?

    public init(name: String, label: Int, length: Int, bodies: Int,
                joint: SkeletonClip, bone: SkeletonClip, motion: SkeletonClip, raw: RawFrames? = nil) {
        self.name = name
        self.label = label
        self.length = length
        self.bodies = bodies
        self.joint = joint
        self.bone = bone
        self.motion = motion
        self.raw = raw
    }

    /// The clip of `stream`.
    public func clip(_ stream: SkeletonStream) -> SkeletonClip {
        switch stream {
        case .joint: return joint
        case .bone: return bone
        case .motion: return motion
        }
    }
}

/// A sample whose three stream chunks are already compressed (shuffle + deflate, as the shard datasets
/// store them). Encoding is the expensive part of writing; doing it where the sample is produced (on the
/// converter's worker threads) and once for every benchmark part the sample goes to keeps the writer cheap.
public struct EncodedShardSample: Sendable {
    public var name: String
    public var label: Int
    public var length: Int
    public var bodies: Int
    /// Stored chunk bytes per stream, in `SkeletonStream.allCases` order.
    public var chunks: [[UInt8]]
    /// Raw frames, stored as they are (not compressed).
    public var raw: RawFrames?
    /// The level the chunks were encoded at (`ShardFormat.codec(deflateLevel:)`).
    public var deflateLevel: Int

    /// Compresses `sample` with the codec of the shard sample datasets at `deflateLevel`.
    public init(_ sample: ShardSample, deflateLevel: Int = ShardFormat.defaultDeflateLevel) throws {
        for stream in SkeletonStream.allCases where sample.clip(stream).frames != SkeletonLayout.frames {
            throw InputError(file: sample.name, field: stream.rawValue,
                             "clip has \(sample.clip(stream).frames) frames, shards store \(SkeletonLayout.frames)")
        }
        let codec = ShardFormat.codec(deflateLevel: deflateLevel)
        guard ShardFormat.deflateLevels.contains(deflateLevel) else {
            throw InputError(file: sample.name, "deflate level \(deflateLevel) is not in 0…9")
        }
        self.deflateLevel = deflateLevel
        name = sample.name
        label = sample.label
        length = sample.length
        bodies = sample.bodies
        raw = sample.raw
        chunks = try SkeletonStream.allCases.map { stream in
            try sample.clip(stream).values.withUnsafeBytes { try codec.encode($0) }
        }
    }
}

/// A sample's frames before preprocessing: `frames` rows of 150 floats in (3, 25, 2) order (xyz, joint,
/// body). Which bodies they hold depends on the mode (docs/shard-format.md): in reference mode the first two of
/// each frame in file order, zeros where absent (`bodies` nil); in clean mode PYSKL's denoised body slots
/// (`bodies` = M, 1 or 2; slot 2 all zero when M = 1), stored in the optional `raw_bodies` dataset.
public struct RawFrames: Equatable, Sendable {
    public var frames: Int
    /// `frames × 150` values.
    public var values: [Float]
    /// Body slots M of the clean mode's denoised keypoints; nil when the frames follow the reference reader.
    public var bodies: Int?

    public init(frames: Int, values: [Float], bodies: Int? = nil) {
        precondition(values.count == frames * ShardFormat.rawFrameElements, "raw frames: \(values.count) values for \(frames) frames")
        self.frames = frames
        self.values = values
        self.bodies = bodies
    }

    /// Value of coordinate `c`, joint `v`, body `m` in frame `t`.
    @inline(__always)
    public subscript(t: Int, c: Int, v: Int, m: Int) -> Float {
        values[((t * SkeletonLayout.channels + c) * SkeletonLayout.joints + v) * SkeletonLayout.bodies + m]
    }
}
