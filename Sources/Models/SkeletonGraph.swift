import SkeletonCore
import TensorModule

/// The ST-GCN adjacency of the NTU RGB+D skeleton, built exactly as the reference `Graph` class
/// (`layout='ntu-rgb+d'`, `strategy='spatial'`, `max_hop=1`, `dilation=1`).
///
/// Steps, as the reference does them:
/// 1. Hop distance: 0 on the diagonal, 1 along an edge, ∞ otherwise (max hop 1).
/// 2. `adjacency` = 1 where the hop distance is 0 or 1; normalised column-wise
///    (`normalize_digraph`): `AD[j, i] = adjacency[j, i] / Σ_j adjacency[j, i]`.
/// 3. Spatial partition around the centre joint 21 (index 20), for each pair `(j, i)` at hop `h`:
///    equal distance to the centre → root, `j` farther than `i` → close, otherwise → further
///    (∞ == ∞ counts as equal, as NumPy compares it). Subsets: `[root of hop 0,
///    root + close of hop 1, further of hop 1]`, so `A` is `[3, 25, 25]`.
public enum SkeletonGraph {
    /// Number of adjacency subsets of the spatial strategy.
    public static let subsets = 3

    /// The normalised `[3, V, V]` adjacency for `joints` joints, undirected `edges` and `center`.
    public static func spatialAdjacency(joints: Int = SkeletonLayout.joints,
                                        edges: [(Int, Int)] = SkeletonLayout.graphEdges,
                                        center: Int = SkeletonLayout.centerJoint) -> Tensor {
        let unreachable = Int.max
        var hop = [[Int]](repeating: [Int](repeating: unreachable, count: joints), count: joints)
        for v in 0..<joints { hop[v][v] = 0 }
        for (a, b) in edges where a != b {
            hop[a][b] = 1
            hop[b][a] = 1
        }
        // normalize_digraph: divide column i by its sum (the degree of i, self included).
        var normalized = [[Double]](repeating: [Double](repeating: 0, count: joints), count: joints)
        for i in 0..<joints {
            let degree = (0..<joints).filter { hop[$0][i] <= 1 }.count
            for j in 0..<joints where hop[j][i] <= 1 { normalized[j][i] = 1 / Double(degree) }
        }
        let a = Tensor(shape: [subsets, joints, joints])
        for i in 0..<joints {
            for j in 0..<joints {
                let h = hop[j][i]
                guard h <= 1 else { continue }
                let (dj, di) = (hop[j][center], hop[i][center])
                let subset: Int
                if h == 0 {
                    subset = 0      // hop 0: only "root" (dj == di always holds on the diagonal)
                } else if dj == di || dj > di {
                    subset = 1      // root + close of hop 1
                } else {
                    subset = 2      // further
                }
                a[subset, j, i] = Float(normalized[j][i])
            }
        }
        return a
    }
}
