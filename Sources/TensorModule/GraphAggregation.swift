import BLASModule

/// Graph aggregation of the spatial graph convolution: PyTorch's
/// `einsum('nkctv,kvw->nctw', x, A)` on time-major feature maps.
///
/// Input `x` is `[T, K·C, B, V]` with channel `k·C + c` holding subset `k` of channel `c` (the
/// order the reference's `view(n, K, C, t, v)` gives); `adjacency` is `[K, V, W]`; the result is
/// `[T, C, B, W]` with `y[t, c, b, w] = Σ_k Σ_v x[t, kC + c, b, v] · A[k, v, w]`.
///
/// Frames are split across workers; each frame is `K` products `(C·B × V) · (V × W)`.
public enum GraphAggregation {
    /// Aggregates `x` over the graph.
    public static func forward(_ x: Tensor, adjacency a: Tensor) -> Tensor {
        let g = Geometry(x, a)
        let y = Tensor(uninitializedShape: [g.frames, g.channels, g.bodies, g.outJoints])
        GEMM.prepare()
        Parallel.forEachChunk(g.frames, costPerItem: g.rows * g.joints * g.outJoints * g.subsets) { frames in
            for t in frames {
                for k in 0..<g.subsets {
                    BLAS.sgemm(x.matrix(offset: g.inputOffset(t, k), rows: g.rows, columns: g.joints), .none,
                               a.matrix(offset: g.adjacencyOffset(k), rows: g.joints, columns: g.outJoints), .none,
                               into: y.mutableMatrix(offset: g.outputOffset(t), rows: g.rows, columns: g.outJoints),
                               beta: k == 0 ? 0 : 1)
                }
            }
        }
        return y
    }

    /// Gradients with respect to `x` and the adjacency for output gradient `dy`.
    /// The adjacency gradient is *added* into `adjacencyGradient` when one is given.
    public static func backward(_ dy: Tensor, input x: Tensor, adjacency a: Tensor,
                                adjacencyGradient: Tensor?, needInputGradient: Bool = true) -> Tensor? {
        let g = Geometry(x, a)
        precondition(dy.shape == [g.frames, g.channels, g.bodies, g.outJoints], "aggregation backward: dy \(dy.shape)")
        let dx = needInputGradient ? Tensor(uninitializedShape: x.shape) : nil
        // Each frame's adjacency gradient goes to its own buffer; the buffers are added in frame
        // order afterwards, so the sum does not depend on how frames were spread over threads.
        let partials = adjacencyGradient == nil ? [] : (0..<g.frames).map { _ in Tensor(uninitializedShape: a.shape) }
        GEMM.prepare()
        Parallel.forEachChunk(g.frames, costPerItem: g.rows * g.joints * g.outJoints * g.subsets) { frames in
            for t in frames {
                let dyFrame = dy.matrix(offset: g.outputOffset(t), rows: g.rows, columns: g.outJoints)
                for k in 0..<g.subsets {
                    if let dx {
                        // dX[t, k] = dY[t] · A_kᵀ
                        BLAS.sgemm(dyFrame, .none,
                                   a.matrix(offset: g.adjacencyOffset(k), rows: g.joints, columns: g.outJoints),
                                   .transposed,
                                   into: dx.mutableMatrix(offset: g.inputOffset(t, k), rows: g.rows,
                                                          columns: g.joints))
                    }
                    if adjacencyGradient != nil {
                        // dA_k(t) = X[t, k]ᵀ · dY[t]
                        BLAS.sgemm(x.matrix(offset: g.inputOffset(t, k), rows: g.rows, columns: g.joints),
                                   .transposed, dyFrame, .none,
                                   into: partials[t].mutableMatrix(offset: g.adjacencyOffset(k),
                                                                   rows: g.joints, columns: g.outJoints))
                    }
                }
            }
        }
        if let adjacencyGradient {
            for partial in partials { Elementwise.addInPlace(adjacencyGradient, partial) }
        }
        return dx
    }

    /// Multiply–add count of one forward pass.
    public static func multiplyAdds(inputShape: [Int], adjacencyShape: [Int]) -> Int {
        inputShape.reduce(1, *) * adjacencyShape[2]
    }

    private struct Geometry {
        let frames, subsets, channels, bodies, joints, outJoints: Int
        /// Rows of one (frame, subset) block: channels × bodies.
        var rows: Int { channels * bodies }

        init(_ x: Tensor, _ a: Tensor) {
            precondition(x.rank == 4 && a.rank == 3, "aggregation expects x [T, K·C, B, V] and A [K, V, W]")
            frames = x.shape[0]
            subsets = a.shape[0]
            joints = a.shape[1]
            outJoints = a.shape[2]
            precondition(x.shape[1] % subsets == 0 && x.shape[3] == joints,
                         "aggregation: x \(x.shape) does not match A \(a.shape)")
            channels = x.shape[1] / subsets
            bodies = x.shape[2]
        }

        func inputOffset(_ t: Int, _ k: Int) -> Int { (t * subsets + k) * rows * joints }
        func outputOffset(_ t: Int) -> Int { t * rows * outJoints }
        func adjacencyOffset(_ k: Int) -> Int { k * joints * outJoints }
    }
}
