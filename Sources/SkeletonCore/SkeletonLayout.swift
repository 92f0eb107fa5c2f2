/// Facts about the 25-joint Kinect v2 skeleton shared by every stage: joint names, bone parents,
/// the left/right flip permutation and the ST-GCN graph edges (all 0-based here).
public enum SkeletonLayout {
    /// Coordinates per joint (x, y, z).
    public static let channels = 3
    /// Joints per body.
    public static let joints = 25
    /// Bodies stored per sample.
    public static let bodies = 2
    /// Frames per stored sample after resizing.
    public static let frames = 50
    /// Axis order of one stored sample.
    public static let axisLayout = "C,T,V,M"
    /// The joint that the reference centres on (joint 21, "spine / shoulder centre").
    public static let centerJoint = 20
    /// Left and right shoulders (joints 5 and 9), used by the view alignment.
    public static let leftShoulder = 4
    public static let rightShoulder = 8

    public static let jointNames: [String] = [
        "base_of_spine", "middle_of_spine", "neck", "head",
        "left_shoulder", "left_elbow", "left_wrist", "left_hand",
        "right_shoulder", "right_elbow", "right_wrist", "right_hand",
        "left_hip", "left_knee", "left_ankle", "left_foot",
        "right_hip", "right_knee", "right_ankle", "right_foot",
        "spine", "tip_of_left_hand", "left_thumb", "tip_of_right_hand", "right_thumb",
    ]

    /// Parent of each joint for the bone stream (0-based); joint 20 is its own parent (zero bone).
    public static let boneParents: [Int] = [
        1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 20, 22, 7, 24, 11,
    ]

    /// Left/right flip: `new[v] = old[flipPermutation[v]]`.
    public static let flipPermutation: [Int] = [
        0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20, 23, 24, 21, 22,
    ]

    /// Undirected ST-GCN graph edges (0-based pairs).
    public static let graphEdges: [(Int, Int)] = [
        (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9),
        (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
        (20, 19), (22, 23), (23, 8), (24, 25), (25, 12),
    ].map { ($0.0 - 1, $0.1 - 1) }
}
