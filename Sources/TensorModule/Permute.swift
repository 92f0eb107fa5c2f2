/// Axis permutation (PyTorch's `x.permute(axes).contiguous()`): result axis `i` is input axis
/// `axes[i]`.
public enum Permute {
    /// A contiguous copy of `x` with its axes reordered.
    public static func forward(_ x: Tensor, axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<x.rank), "permutation \(axes) for rank \(x.rank)")
        let outShape = axes.map { x.shape[$0] }
        let y = Tensor(uninitializedShape: outShape)
        if x.count == 0 { return y }
        var inStrides = [Int](repeating: 1, count: x.rank)
        for axis in stride(from: x.rank - 2, through: 0, by: -1) {
            inStrides[axis] = inStrides[axis + 1] * x.shape[axis + 1]
        }
        let strides = axes.map { inStrides[$0] }
        let src = x.pointer, dst = y.pointer
        let innerCount = outShape.last ?? 1, innerStride = strides.last ?? 1
        let outerShape = Array(outShape.dropLast()), outerStrides = Array(strides.dropLast())
        let outerCount = outerShape.reduce(1, *)
        Parallel.forEachChunk(outerCount, costPerItem: innerCount) { range in
            for row in range {
                // Source offset of this output row: decode `row` over the outer axes.
                var rest = row, offset = 0
                for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
                    offset += (rest % outerShape[axis]) * outerStrides[axis]
                    rest /= outerShape[axis]
                }
                let out = dst + row * innerCount
                for j in 0..<innerCount { out[j] = src[offset + j * innerStride] }
            }
        }
        return y
    }

    /// The axes that undo `axes`.
    public static func inverse(_ axes: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        return inverse
    }

    /// The input gradient of `forward(x, axes)`: `dy` permuted back.
    public static func backward(_ dy: Tensor, axes: [Int]) -> Tensor {
        forward(dy, axes: inverse(axes))
    }
}
