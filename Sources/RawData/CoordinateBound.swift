import SkeletonCore

/// The largest coordinate magnitude a raw file may hold. Kinect coordinates are metres within a few metres
/// of the camera; a value beyond this bound (e.g. `3.0e38`, finite as float32) is no real skeleton, and would
/// turn into ±inf in the bone and motion streams. `hiclr convert --max-coordinate` changes it.
public enum CoordinateBound {
    public static let defaultMetres: Float = 1e4
}

extension ByteScanner {
    /// A coordinate: a finite number whose magnitude is at most `bound`; otherwise an error naming the line.
    @inline(__always)
    public mutating func readCoordinate(_ what: @autoclosure () -> String, bound: Float) throws -> Float {
        let value = try readFloat(what())
        if abs(value) > bound {
            throw error("\(what()) is \(value): larger in magnitude than \(bound) m, no real skeleton has it "
                        + "(--max-coordinate sets the bound)")
        }
        return value
    }
}
