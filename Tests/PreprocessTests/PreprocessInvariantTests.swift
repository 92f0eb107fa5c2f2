import Foundation
@testable import Preprocess
import RawData
import SkeletonCore
import XCTest

final class PreprocessInvariantTests: XCTestCase {
    func randomClip(frames: Int, seed: UInt64) -> SkeletonClip {
        var state = seed
        var clip = SkeletonClip(frames: frames)
        for i in clip.values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            clip.values[i] = Float(Int(state >> 40) % 2000 - 1000) / 500
        }
        return clip
    }

    func testResizeToSameLengthIsIdentityAndFromOneFrameIsConstant() {
        let clip = randomClip(frames: 50, seed: 1)
        XCTAssertEqual(TimeResize.resize(clip, length: 50, to: 50), clip)
        let one = TimeResize.resize(clip, length: 1, to: 50)
        // OpenCV keeps the weights (1 − f, f) at the border rows, so a·(1 − f) + a·f is a within one ulp.
        for t in 0..<50 { XCTAssertEqual(one[2, t, 7, 1], clip[2, 0, 7, 1], accuracy: clip[2, 0, 7, 1].ulp) }
    }

    func testResizeHalfPixelByHand() {
        // L = 2 → 4 frames: src = (d + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        var clip = SkeletonClip(frames: 2)
        clip[0, 0, 3, 0] = 10
        clip[0, 1, 3, 0] = 20
        let out = TimeResize.resize(clip, length: 2, to: 4)
        XCTAssertEqual((0..<4).map { out[0, $0, 3, 0] }, [10, 12.5, 17.5, 20])
    }

    func boneLengths(_ clip: SkeletonClip, t: Int, m: Int) -> [Float] {
        (0..<25).map { v in
            let p = SkeletonLayout.boneParents[v]
            let d = (0..<3).map { clip[$0, t, v, m] - clip[$0, t, p, m] }
            return (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
        }
    }

    func testAlignmentKeepsBoneLengthsYAndZeroBodies() {
        var clip = randomClip(frames: 50, seed: 2)
        for c in 0..<3 { for t in 0..<50 { for v in 0..<25 { clip[c, t, v, 1] = 0 } } }
        // Shoulder lines all lean the same way in z (vz > 0 in even frames, all but one frame): the
        // rotation sign is chosen once from Σ vz, so frames that agree with the sum end with vz = 0.
        for t in 0..<50 { clip[2, t, 8, 0] = clip[2, t, 4, 0] + (t == 3 ? -0.2 : 0.1 + abs(clip[0, t, 3, 0])) }
        let before = clip
        ViewAlignment.alignY(&clip)
        for t in stride(from: 0, to: 50, by: 7) {
            for (a, b) in zip(boneLengths(before, t: t, m: 0), boneLengths(clip, t: t, m: 0)) {
                XCTAssertEqual(a, b, accuracy: 1e-4)
            }
            for v in 0..<25 { XCTAssertEqual(clip[1, t, v, 0], before[1, t, v, 0]) }   // y untouched
        }
        XCTAssertTrue(clip.isEmpty(body: 1))
        // After alignment the shoulder line has no z component (up to the 1e-4 in the denominator).
        for t in 0..<50 where t != 3 {
            let dz = clip[2, t, 8, 0] - clip[2, t, 4, 0]
            let dx = clip[0, t, 8, 0] - clip[0, t, 4, 0]
            XCTAssertEqual(dz, 0, accuracy: 1e-3 * max(1, abs(dx)))
            XCTAssertGreaterThan(dx, 0)
        }
        // The disagreeing frame is rotated the other way: its shoulder z is not zeroed.
        XCTAssertGreaterThan(abs(clip[2, 3, 8, 0] - clip[2, 3, 4, 0]), 0.1)
    }

    func testReferenceMotionQuirkAndCentring() throws {
        // 50 valid frames: the resize is the identity, so the stored motion is the raw (uncentred) difference
        // and its last valid frame is −x[49] (the next frame is zero padding).
        let frames = (0..<50).map { t in [(UInt64(1), personJoints(origin: (0.3, 0.1, 3.2), phase: Float(t) * 0.2))] }
        let seq = sequence(frames)
        let sample = try ReferencePreprocessor().process(seq)
        XCTAssertEqual(sample.length, 50)
        XCTAssertEqual(sample.bodies, 1)
        for v in [0, 7, 20] {
            for c in 0..<3 {
                XCTAssertEqual(sample.motion[c, 49, v, 0], -seq.position(body: 49, joint: v, coordinate: c), accuracy: 1e-6)
                XCTAssertEqual(sample.motion[c, 10, v, 0],
                               seq.position(body: 11, joint: v, coordinate: c) - seq.position(body: 10, joint: v, coordinate: c),
                               accuracy: 1e-6)
            }
        }
        // Centred on joint 21 before the y-rotation, which keeps the origin: joint 21 is 0 in every frame.
        for t in 0..<50 { for c in 0..<3 { XCTAssertEqual(sample.joint[c, t, 20, 0], 0, accuracy: 1e-6) } }
        XCTAssertEqual(sample.bone, sample.joint.bones())
    }

    func testReferenceKeepsFirstTwoBodiesInFileOrderAndRejectsEmpty() throws {
        let a = personJoints(origin: (0, 0, 3), phase: 0), b = personJoints(origin: (1, 0, 3), phase: 1)
        let one: UInt64 = 1, two: UInt64 = 2, three: UInt64 = 3
        let seq = sequence((0..<10).map { t in
            t % 2 == 0 ? [(one, a), (two, b), (three, furnitureJoints())] : [(two, b), (one, a)]
        })
        let raw = ReferencePreprocessor().padded(seq)
        XCTAssertEqual(raw[0, 0, 3, 0], a[9])
        XCTAssertEqual(raw[0, 1, 3, 0], b[9])      // order in the file, not by ID
        XCTAssertEqual(raw[0, 10, 3, 0], 0)
        XCTAssertThrowsError(try ReferencePreprocessor().process(sequence([[], []]))) {
            XCTAssertEqual(($0 as? PreprocessError)?.code, "no_valid_frame")
        }
    }

    func testLongClipTrim() {
        let seq = sequence((0..<320).map { t in [(UInt64(1), [Float](repeating: Float(t + 1), count: 75))] })
        XCTAssertEqual(ReferencePreprocessor(trim: .first).padded(seq)[0, 0, 0, 0], 1)
        XCTAssertEqual(ReferencePreprocessor(trim: .first).padded(seq)[0, 299, 0, 0], 300)
        XCTAssertEqual(ReferencePreprocessor(trim: .centred).padded(seq)[0, 0, 0, 0], 11)
    }

    func testCleanTracksIDsRemovesNoiseAndKeepsEmptyFramesOut() throws {
        // Two people whose order in the file swaps every frame, furniture in most frames, a 3-frame ghost,
        // and 0-body frames at both ends (PYSKL skips them: ntu_preproc.py:29-30).
        var frames: [[(UInt64, [Float])]] = [[], []]
        for t in 0..<40 {
            let p1 = personJoints(origin: (-0.5, 0, 3), phase: Float(t) * 0.4)     // moves a lot
            let p2 = personJoints(origin: (0.6, 0, 3.3), phase: Float(t) * 0.05)   // moves little
            var bodies: [(UInt64, [Float])] = [(11, p1), (22, p2)]
            if t % 2 == 1 { bodies.reverse() }
            if t % 3 != 0 { bodies.insert((33, furnitureJoints()), at: 0) }
            if t < 3 { bodies.append((44, personJoints(origin: (2, 0, 4), phase: 0))) }
            frames.append(bodies)
        }
        frames += [[], [], []]
        let sample = try CleanPreprocessor().process(sequence(frames))
        XCTAssertEqual(sample.length, 40)
        XCTAssertEqual(sample.bodies, 2)
        XCTAssertEqual(sample.decisions["body_ids"], 4)
        XCTAssertEqual(sample.decisions["skipped_empty_frames"], 5)
        XCTAssertEqual(sample.decisions["removed_short_body"], 1)
        XCTAssertEqual(sample.decisions["removed_spread_body"], 1)
        XCTAssertEqual(sample.decisions["dropped_overlapping_body"], 0)
        XCTAssertEqual(sample.decisions["trimmed_empty_frames"], 0)
        XCTAssertEqual(sample.decisions["swapped_body_slots"], 0)
        // Body slot 0 is the person with more motion (ID 11) in every frame despite the swapping order.
        var motion0: Float = 0, motion1: Float = 0
        for v in sample.motion.values.indices where v % 2 == 0 { motion0 += abs(sample.motion.values[v]) }
        for v in sample.motion.values.indices where v % 2 == 1 { motion1 += abs(sample.motion.values[v]) }
        XCTAssertGreaterThan(motion0, motion1 * 2)
        XCTAssertEqual(sample.motion, sample.joint.motion())
    }

    /// PYSKL returns a lone body as it is, noisy or short (ntu_preproc.py:102-103); two noisy bodies leave
    /// nothing, where PYSKL's assertion (line 81) stops: rejected with a code.
    func testCleanLoneNoiseIsKeptTwoAreRejected() throws {
        let lone = sequence((0..<5).map { _ in [(UInt64(5), furnitureJoints())] })
        let kept = try PYSKLDenoise.denoise(lone)
        XCTAssertEqual(kept.bodies, 1)
        XCTAssertEqual(kept.clip.frames, 5)
        let two = sequence((0..<20).map { _ in [(UInt64(5), furnitureJoints()), (UInt64(6), furnitureJoints())] })
        XCTAssertThrowsError(try CleanPreprocessor().process(two)) {
            XCTAssertEqual(($0 as? PreprocessError)?.code, "no_body_after_cleaning")
        }
        XCTAssertThrowsError(try CleanPreprocessor().process(sequence([[], []]))) {
            XCTAssertEqual(($0 as? PreprocessError)?.code, "no_body")
        }
    }

    /// PKU-MMD writes an absent actor as 75 zeros; with `zeroBodiesAreAbsent` such a body is not a body, so a
    /// one-actor clip takes the one-body path (M = 1) and frames where both slots are zero are skipped.
    func testCleanPKUZeroBodiesAreAbsent() throws {
        let zero = [Float](repeating: 0, count: 75)
        var frames: [[(UInt64, [Float])]] = [[(0, zero), (1, zero)]]
        for t in 0..<8 { frames.append([(0, personJoints(origin: (0, 0, 3), phase: Float(t))), (1, zero)]) }
        let seq = sequence(frames)
        let pku = try PYSKLDenoise.denoise(seq, zeroBodiesAreAbsent: true)
        XCTAssertEqual(pku.bodies, 1)
        XCTAssertEqual(pku.clip.frames, 8)
        XCTAssertEqual(pku.decisions["skipped_empty_frames"], 1)
        XCTAssertEqual(pku.clip[0, 0, 0, 0], seq.position(body: 2, joint: 0, coordinate: 0))
        // As NTU (PYSKL keeps all-zero bodies): two 9-frame bodies, both short → nothing left.
        XCTAssertThrowsError(try PYSKLDenoise.denoise(seq, zeroBodiesAreAbsent: false)) {
            XCTAssertEqual(($0 as? PreprocessError)?.code, "no_body_after_cleaning")
        }
        XCTAssertEqual(try Preprocessor(mode: .clean, trim: .centred).process(seq).length, 8)
    }
}
