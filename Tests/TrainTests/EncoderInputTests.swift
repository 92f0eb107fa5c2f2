import Foundation
import SkeletonCore
import TensorModule
import Train
import XCTest

/// EncoderInput is the one place that turns joint values into an encoder's input stream; training and evaluation
/// both use it.
final class EncoderInputTests: XCTestCase {
    func testStreamsOfEachSampleAreTheClipsOwn() {
        let clips = (0..<3).map { syntheticClip(label: $0, variant: $0 + 10) }
        let joint = clips.flatMap(\.values)
        for stream in SkeletonStream.allCases {
            let tensor = EncoderInput.tensor(joint: joint, frames: 50, stream: stream)
            XCTAssertEqual(tensor.shape, [3, 3, 50, 25, 2])
            let expected: [Float]
            switch stream {
            case .joint: expected = joint
            case .bone: expected = clips.flatMap { $0.bones().values }
            case .motion: expected = clips.flatMap { $0.motion().values }
            }
            XCTAssertEqual(tensor.values, expected, stream.rawValue)
        }
        // Bone of a sample is x[v] − x[parent(v)]: joint 1 (0-based 0, the spine base) is its own parent's root.
        let bone = EncoderInput.tensor(joint: joint, frames: 50, stream: .bone)
        let c = clips[1]
        let v = 3, parent = SkeletonLayout.boneParents[v]
        XCTAssertEqual(bone.values[1 * 7500 + (0 * 50 + 7) * 50 + v * 2], c[0, 7, v, 0] - c[0, 7, parent, 0], accuracy: 1e-6)
        // Motion is x[t+1] − x[t], zero at the last frame.
        let motion = EncoderInput.tensor(joint: joint, frames: 50, stream: .motion)
        XCTAssertEqual(motion.values[1 * 7500 + (2 * 50 + 10) * 50 + v * 2], c[2, 11, v, 0] - c[2, 10, v, 0], accuracy: 1e-6)
        XCTAssertEqual(motion.values[1 * 7500 + (2 * 50 + 49) * 50 + v * 2], 0)
    }
}
