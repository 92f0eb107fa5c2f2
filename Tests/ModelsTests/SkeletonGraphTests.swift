import XCTest
@testable import Models
@testable import TensorModule

final class SkeletonGraphTests: XCTestCase {
    func testAdjacencyMatchesTheReferenceGraphClass() throws {
        let golden = try ModelGolden.load()
        assertClose(SkeletonGraph.spatialAdjacency(), try golden.tensor("graph_A"), absolute: 1e-7, relative: 0,
                    "spatial adjacency")
    }

    func testAdjacencyInvariants() {
        let a = SkeletonGraph.spatialAdjacency()
        XCTAssertEqual(a.shape, [3, 25, 25])
        for i in 0..<25 {
            // normalize_digraph: every column of A0 + A1 + A2 sums to 1.
            var column: Float = 0
            for k in 0..<3 { for j in 0..<25 { column += a[k, j, i] } }
            XCTAssertEqual(column, 1, accuracy: 1e-6, "column \(i)")
            // Subset 0 is the diagonal (self links), 1 / degree.
            for j in 0..<25 where j != i { XCTAssertEqual(a[0, j, i], 0) }
        }
        // Joint 21 (index 20, the centre) has 4 neighbours plus itself: 1/5 on its diagonal.
        XCTAssertEqual(a[0, 20, 20], 0.2, accuracy: 1e-7)
        // The "further" subset holds pairs where j is closer to the centre than i: the centre
        // towards its neighbours (1, 2, 4, 8 in 0-based indices) and those neighbours towards
        // joints two hops out (∞ hop in the reference, as max_hop = 1).
        XCTAssertGreaterThan(a[2, 20, 1], 0)
        XCTAssertEqual(a[2, 1, 20], 0)
        XCTAssertGreaterThan(a[1, 1, 20], 0)
    }
}
