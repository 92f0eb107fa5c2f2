/// Global average pooling of time-major feature maps `[T, C, B, V]` over time and joints:
/// PyTorch's `F.avg_pool2d(x, x.size()[2:])` on `[B, C, T, V]`, flattened to `[B, C]`.
public enum GlobalAveragePool {
    /// The mean over `T` and `V`, as `[B, C]`.
    public static func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "pooling expects [T, C, B, V], got \(x.shape)")
        let (frames, channels, bodies, joints) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let y = Tensor(uninitializedShape: [bodies, channels])
        let src = x.pointer, dst = y.pointer
        let scale = 1 / Double(frames * joints)
        Parallel.forEachChunk(channels, costPerItem: frames * bodies * joints) { range in
            for c in range {
                for b in 0..<bodies {
                    var total = 0.0
                    for t in 0..<frames {
                        total += Double(sumOf(src + ((t * channels + c) * bodies + b) * joints, joints))
                    }
                    dst[b * channels + c] = Float(total * scale)
                }
            }
        }
        return y
    }

    /// The input gradient: `dy[b, c] / (T·V)` spread over every frame and joint.
    public static func backward(_ dy: Tensor, inputShape: [Int]) -> Tensor {
        let (frames, channels, bodies, joints) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        precondition(dy.shape == [bodies, channels], "pooling backward: dy \(dy.shape)")
        let dx = Tensor(uninitializedShape: inputShape)
        let g = dy.pointer, dst = dx.pointer
        let scale = 1 / Float(frames * joints)
        Parallel.forEach(frames * channels, costPerItem: bodies * joints) { row in
            let c = row % channels
            for b in 0..<bodies {
                (dst + (row * bodies + b) * joints).update(repeating: g[b * channels + c] * scale, count: joints)
            }
        }
        return dx
    }
}

/// Mean over consecutive groups of rows: `[G·M, C]` → `[G, C]` (the reference's
/// `x.view(N, M, -1).mean(dim=1)` over the bodies of a sample).
public enum GroupMean {
    /// Averages each group of `groupSize` consecutive rows.
    public static func forward(_ x: Tensor, groupSize: Int) -> Tensor {
        precondition(x.rank == 2 && groupSize > 0 && x.shape[0] % groupSize == 0,
                     "group mean of \(x.shape) in groups of \(groupSize)")
        let groups = x.shape[0] / groupSize, columns = x.shape[1]
        let y = Tensor(uninitializedShape: [groups, columns])
        let src = x.pointer, dst = y.pointer
        for g in 0..<groups {
            for j in 0..<columns {
                var total: Float = 0
                for m in 0..<groupSize { total += src[(g * groupSize + m) * columns + j] }
                dst[g * columns + j] = total / Float(groupSize)
            }
        }
        return y
    }

    /// The input gradient: each row of a group gets `dy / groupSize`.
    public static func backward(_ dy: Tensor, groupSize: Int) -> Tensor {
        let groups = dy.shape[0], columns = dy.shape[1]
        let dx = Tensor(uninitializedShape: [groups * groupSize, columns])
        let g = dy.pointer, dst = dx.pointer
        let scale = 1 / Float(groupSize)
        for r in 0..<(groups * groupSize) {
            for j in 0..<columns { dst[r * columns + j] = g[(r / groupSize) * columns + j] * scale }
        }
        return dx
    }
}
