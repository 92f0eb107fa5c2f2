import Foundation
import SkeletonCore

/// Reads NTU RGB+D 60/120 `.skeleton` text files (docs/raw-formats.md): frame count, then per frame the body
/// count, and per body a 10-value body line (bodyID first, kept exact as UInt64), the joint count (must be
/// 25) and 25 joint lines of 12 values of which x, y, z are kept.
public enum NTUSkeletonReader {
    /// Largest frame count accepted before a file is called corrupt (real files stay under 1,000).
    public static let maxFrames = 100_000
    /// Largest body count accepted in one frame.
    public static let maxBodiesPerFrame = 64

    /// Names of the 9 body-line values after bodyID, for error messages.
    static let bodyColumns = ["clippedEdges", "handLeftConfidence", "handLeftState", "handRightConfidence",
                              "handRightState", "isRestricted", "leanX", "leanY", "trackingState"]

    /// Reads and parses the file at `url`.
    public static func read(_ url: URL, maxCoordinate: Float = CoordinateBound.defaultMetres) throws -> RawSequence {
        if let kind = FileProblem.notRegularFile(url.path) { throw InputError(file: url.path, "cannot read: \(kind)") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(file: url.path, "cannot read file: \(FileProblem.describe(error, path: url.path))")
        }
        return try parse(data, file: url.path, maxCoordinate: maxCoordinate)
    }

    /// Parses the contents of one `.skeleton` file; `file` is used in error messages.
    public static func parse(_ data: Data, file: String,
                             maxCoordinate: Float = CoordinateBound.defaultMetres) throws -> RawSequence {
        try data.withUnsafeBytes { raw in
            try parse(raw.bindMemory(to: UInt8.self), file: file, maxCoordinate: maxCoordinate)
        }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String,
                             maxCoordinate: Float = CoordinateBound.defaultMetres) throws -> RawSequence {
        var s = ByteScanner(bytes: bytes, file: file)
        if s.atEnd() { throw InputError(file: file, "file is empty") }
        let frames = try s.readInt("frame count")
        if frames < 0 || frames > maxFrames {
            throw s.error("frame count \(frames) is not in 0...\(maxFrames)")
        }
        try s.endLine(expecting: "the frame count")
        var seq = RawSequence()
        seq.reserve(frames: frames, bodies: frames * 2)
        var xyz = [Float](repeating: 0, count: 75)
        try xyz.withUnsafeMutableBufferPointer { joints in
            for f in 0..<frames {
                let bodies = try s.readInt("body count of frame \(f + 1)")
                if bodies < 0 || bodies > maxBodiesPerFrame {
                    throw s.error("body count \(bodies) of frame \(f + 1) is not in 0...\(maxBodiesPerFrame)")
                }
                try s.endLine(expecting: "the body count")
                for _ in 0..<bodies {
                    let id = try s.readUInt64("bodyID")
                    try s.skipNumbers(9) { bodyColumns[$0] }
                    try s.endLine(expecting: "the body line")
                    let jointCount = try s.readInt("joint count")
                    if jointCount != 25 { throw s.error("joint count is \(jointCount), expected 25") }
                    try s.endLine(expecting: "the joint count")
                    for v in 0..<25 {
                        joints[v * 3] = try s.readCoordinate("x of joint \(v + 1)", bound: maxCoordinate)
                        joints[v * 3 + 1] = try s.readCoordinate("y of joint \(v + 1)", bound: maxCoordinate)
                        joints[v * 3 + 2] = try s.readCoordinate("z of joint \(v + 1)", bound: maxCoordinate)
                        try s.skipNumbers(9) { _ in "value of joint \(v + 1)" }
                        try s.endLine(expecting: "the 12 values of joint \(v + 1)")
                    }
                    seq.appendBody(id: id, xyz: UnsafeBufferPointer(joints))
                }
                seq.endFrame()
            }
        }
        if !s.atEnd() {
            throw s.error("unexpected data after the \(frames) frames the header announced")
        }
        return seq
    }
}
