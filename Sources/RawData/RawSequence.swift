/// A raw skeleton sequence as read from disk, before any preprocessing: for every frame the bodies in file
/// order, each with its tracking ID and 25 joints' x, y, z (metres, camera space).
public struct RawSequence: Sendable {
    /// `bodyStart[f] ..< bodyStart[f + 1]` are the bodies of frame `f`; `bodyStart.count == frameCount + 1`.
    public private(set) var bodyStart: [Int] = [0]
    /// Tracking ID of each body (NTU's 64-bit bodyID; PKU-MMD: the slot, 0 or 1).
    public private(set) var bodyIDs: [UInt64] = []
    /// Joint positions, `bodyIDs.count × 25 × 3` values: body, joint, xyz.
    public private(set) var positions: [Float] = []

    public init() {}

    public var frameCount: Int { bodyStart.count - 1 }
    public var bodyCount: Int { bodyIDs.count }

    /// Bodies of frame `f` as a range of body indices.
    public func bodies(inFrame f: Int) -> Range<Int> { bodyStart[f]..<bodyStart[f + 1] }

    /// Position value of body `b` (global body index), joint `v`, coordinate `c`.
    @inline(__always)
    public func position(body b: Int, joint v: Int, coordinate c: Int) -> Float {
        positions[(b * 25 + v) * 3 + c]
    }

    /// Appends one body to the frame being built; call `endFrame()` after the frame's bodies.
    public mutating func appendBody(id: UInt64, xyz: UnsafeBufferPointer<Float>) {
        precondition(xyz.count == 75)
        bodyIDs.append(id)
        positions.append(contentsOf: xyz)
    }

    /// Closes the current frame.
    public mutating func endFrame() {
        bodyStart.append(bodyIDs.count)
    }

    /// Reserves storage for an expected size.
    public mutating func reserve(frames: Int, bodies: Int) {
        bodyStart.reserveCapacity(frames + 1)
        bodyIDs.reserveCapacity(bodies)
        positions.reserveCapacity(bodies * 75)
    }

    /// The frames `range` of this sequence as a new sequence.
    public func slice(frames range: Range<Int>) -> RawSequence {
        var out = RawSequence()
        let first = bodyStart[range.lowerBound], last = bodyStart[range.upperBound]
        out.bodyIDs = Array(bodyIDs[first..<last])
        out.positions = Array(positions[(first * 75)..<(last * 75)])
        out.bodyStart = bodyStart[range.lowerBound...range.upperBound].map { $0 - first }
        return out
    }
}
