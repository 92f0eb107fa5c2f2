import CounterRandom
import XCTest
@testable import Models
@testable import TensorModule

final class GraphAugmentationTests: XCTestCase {
    func testIdentityByDefault() {
        let a = SkeletonGraph.spatialAdjacency()
        XCTAssertTrue(GraphAugmentation().isIdentity)
        XCTAssertEqual(GraphAugmentation().apply(to: a, key: RandomKey(seed: 1)).values, a.values)
    }

    func testDroppingZeroesEdgesAndRescalesSurvivors() {
        let a = SkeletonGraph.spatialAdjacency()
        let dropped = GraphAugmentation(dropProbability: 0.9).apply(to: a, key: RandomKey(seed: 2))
        var zeroed = 0, scale: Float?
        for i in 0..<a.count where a[flat: i] != 0 {
            if dropped[flat: i] == 0 { zeroed += 1; continue }
            let ratio = dropped[flat: i] / a[flat: i]
            if let scale { XCTAssertEqual(ratio, scale, accuracy: 1e-5) } else { scale = ratio }
        }
        XCTAssertGreaterThan(zeroed, 0)
        XCTAssertGreaterThan(scale ?? 0, 1)
        // Same key, same graph.
        XCTAssertEqual(GraphAugmentation(dropProbability: 0.9).apply(to: a, key: RandomKey(seed: 2)).values, dropped.values)
    }

    func testAddingKeepsTheTotalWeight() {
        let a = SkeletonGraph.spatialAdjacency()
        let added = GraphAugmentation(addProbability: 0.5).apply(to: a, key: RandomKey(seed: 3))
        XCTAssertEqual(added.values.reduce(0, +), a.values.reduce(0, +), accuracy: 1e-3)
        let newEdges = (0..<a.count).filter { a[flat: $0] == 0 && added[flat: $0] != 0 }.count
        XCTAssertGreaterThan(newEdges, 0)
    }

    func testAugmentedTrainingForwardDiffersButEvaluationDoesNot() {
        var configuration = ModelGoldenConfigurations.tiny
        configuration.dropout = 0
        configuration.graphAugmentation = GraphAugmentation(dropProbability: 0.5)
        let model = STGCN(configuration: configuration, key: RandomKey(seed: 4))
        let input = randomTensor([2, 3, 6, 25, 2], seed: 5)
        let one = model.forward(input, training: true, key: RandomKey(seed: 6), recordTape: false).output
        let two = model.forward(input, training: true, key: RandomKey(seed: 7), recordTape: false).output
        XCTAssertNotEqual(one.values, two.values)
        let again = model.forward(input, training: true, key: RandomKey(seed: 6), recordTape: false).output
        XCTAssertEqual(one.values, again.values)
    }
}
