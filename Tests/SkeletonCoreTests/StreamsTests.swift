import XCTest
import SkeletonCore

final class StreamsTests: XCTestCase {
    func testLayoutTablesHaveOneEntryPerJoint() {
        XCTAssertEqual(SkeletonLayout.jointNames.count, 25)
        XCTAssertEqual(SkeletonLayout.boneParents.count, 25)
        XCTAssertEqual(Set(SkeletonLayout.flipPermutation), Set(0..<25))
        XCTAssertEqual(SkeletonLayout.graphEdges.count, 24)
        // The flip permutation is an involution.
        for v in 0..<25 {
            XCTAssertEqual(SkeletonLayout.flipPermutation[SkeletonLayout.flipPermutation[v]], v)
        }
    }

    func testBoneOfJoint21IsZeroAndOthersAreDifferences() {
        var clip = SkeletonClip(frames: 2)
        for c in 0..<3 { for t in 0..<2 { for v in 0..<25 { for m in 0..<2 {
            clip[c, t, v, m] = Float(c * 1000 + t * 100 + v * 3 + m)
        } } } }
        let b = clip.bones()
        for c in 0..<3 { for t in 0..<2 { for m in 0..<2 {
            XCTAssertEqual(b[c, t, 20, m], 0)
            // joint 1 (index 0) has parent joint 2 (index 1): (0 - 1) * 3 = -3
            XCTAssertEqual(b[c, t, 0, m], -3)
            // joint 25 (index 24) has parent joint 12 (index 11): (24 - 11) * 3 = 39
            XCTAssertEqual(b[c, t, 24, m], 39)
        } } }
    }

    func testMotionIsForwardDifferenceWithZeroLastFrame() {
        var clip = SkeletonClip(frames: 3)
        for t in 0..<3 { clip[1, t, 4, 1] = Float(t * t) }
        let m = clip.motion()
        XCTAssertEqual(m[1, 0, 4, 1], 1)
        XCTAssertEqual(m[1, 1, 4, 1], 3)
        XCTAssertEqual(m[1, 2, 4, 1], 0)
        XCTAssertEqual(m.values.filter { $0 != 0 }.count, 2)
    }
}
