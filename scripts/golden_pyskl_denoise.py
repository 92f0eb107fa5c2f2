#!/usr/bin/env python3
"""Goldens for the clean mode's body choice: an independent NumPy implementation of the denoising in PYSKL's NTU
script, kennymckormick/pyskl tools/data/ntu_preproc.py (commit 3f6795f; "L<n>" below = line n of that file),
written from a reading of it (docs/preprocessing.md, "Clean mode"). Writes
Tests/PreprocessTests/Golden/pyskl_denoise.json for the shipped NTU fixtures and the dedicated inputs of
scripts/make_pyskl_denoise_inputs.py.

Run from the repository root:  python3 scripts/golden_pyskl_denoise.py
This script was checked against the real PYSKL functions, run from a checkout outside the tree with
mmcv/tqdm/pyskl.smp stubbed (scripts/check_golden_pyskl_denoise.py; Golden/README.md): same outcome, same M and T,
keypoints and motions bit-identical.

NumPy arithmetic is part of the rule where it decides something: joint values are float32 (L39, L43), the
motion is np.var/np.sum on float32 (L49, L79), so this script computes them the same way; the 0.8 factor is
a Python float times a float32 scalar (double in NumPy 1.x, L64).
"""
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_preprocess as steps   # noqa: E402  (the reference steps 4-6 in NumPy/OpenCV, for the 50-frame joints)

OUT = "Tests/PreprocessTests/Golden/pyskl_denoise.json"
# Inputs whose whole clean-mode joint stream (centre, resize T -> 50, y-rotation of the keypoints) is stored too.
WITH_JOINT = ("S017C001P001R001A001", "S017C001P001R001A009")
INPUTS = "Tests/PreprocessTests/Golden/pyskl_inputs"
FIXTURES = ["fixtures/ntu60/nturgb+d_skeletons", "fixtures/ntu120/nturgb+d_skeletons"]
EPS = 1e-3            # L11
LENGTH = 11           # L98; bodies are kept when longer (L105)
WH = 0.8              # L57
SPREAD_NOISE = 0.69754  # L58


class Body:
    def __init__(self, body_id, start):
        self.id = body_id
        self.start = start      # frame index of the first appearance, counting non-empty frames only (L35)
        self.joints = []        # one (25, 3) float32 array per appearance, appended in order (L45)
        self.origin = []        # (file frame, position in that frame) of each appearance
        self.motion = None


def read_bodies(path):
    """Bodies by ID in order of first appearance. A frame listing 0 bodies is skipped and does not advance
    the frame index (L29-30, L46)."""
    tok = open(path).read().split()
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return tok[pos - 1]

    bodies = {}
    frame_index = 0
    read_bodies.empty_frames = 0
    frames = int(take())
    for f in range(frames):
        n = int(take())
        if n == 0:
            read_bodies.empty_frames += 1
            continue
        for p in range(n):
            body_id = int(take())
            for _ in range(9):
                take()
            assert int(take()) == 25, path
            xyz = np.zeros((25, 3), np.float32)
            for v in range(25):
                xyz[v] = [np.float32(take()) for _ in range(3)]
                for _ in range(9):
                    take()
            if body_id not in bodies:
                bodies[body_id] = Body(body_id, frame_index)
            bodies[body_id].joints.append(xyz)
            bodies[body_id].origin.append((f, p))
        frame_index += 1
    assert pos == len(tok), path
    for b in bodies.values():
        b.joints = np.array(b.joints, np.float32)
        b.motion = motion(b.joints)
    return list(bodies.values())


def motion(joints):
    """L49 / L79: the three per-coordinate variances of all joints of all frames, summed (float32)."""
    return np.var(joints.reshape(-1, 3), axis=0).sum(dtype=np.float32)


def by_motion(bodies):
    """L83 / L101: Python's stable sort on -motion: higher motion first, ties keep their order."""
    return sorted(bodies, key=lambda b: -b.motion)


def valid_frames(b):
    """L60-66: frames whose x extent is at most 0.8 times the y extent (float32 extents, double product)."""
    out = []
    for i, j in enumerate(b.joints):
        x_extent = np.float32(j[:, 0].max() - j[:, 0].min())
        y_extent = np.float32(j[:, 1].max() - j[:, 1].min())
        if float(x_extent) <= WH * float(y_extent):
            out.append(i)
    return out


class Rejected(Exception):
    def __init__(self, code, decisions):
        super().__init__(code)
        self.code = code
        self.decisions = decisions


def denoise(path):
    """-> (keypoint (M, T, 25, 3) float32, origin (M, T, 2) int, decisions, bodies as read). Raises Rejected
    where PYSKL writes no annotation (None, L155-156) or stops with an exception (L81, L90)."""
    bodies = read_bodies(path)
    d = {"body_ids": len(bodies), "skipped_empty_frames": read_bodies.empty_frames}
    if not bodies:
        raise Rejected("no_body", d)
    order = by_motion(bodies)

    def single(b):
        return b.joints[None], np.array(b.origin)[None], d

    if len(order) == 1:                          # L102-103
        return single(order[0]) + (bodies,)
    long = [b for b in order if b.joints.shape[0] > LENGTH]   # L105
    d["removed_short_body"] = len(order) - len(long)
    if len(long) == 1:                           # L106-107
        return single(long[0]) + (bodies,)
    kept, lowered = [], 0
    for b in long:                               # L68-79
        valid = valid_frames(b)
        if len(valid) == b.joints.shape[0]:
            kept.append(b)
            continue
        if 1 - len(valid) / b.joints.shape[0] >= SPREAD_NOISE:
            continue
        m = motion(b.joints[valid])
        if m < b.motion:
            b.motion = m
            lowered += 1
        kept.append(b)
    d["removed_spread_body"] = len(long) - len(kept)
    d["spread_motion_lowered"] = lowered
    if not kept:                                 # the assertion of L81
        raise Rejected("no_body_after_cleaning", d)
    order = by_motion(kept)                      # L83
    if len(order) == 1:                          # L109-110
        return single(order[0]) + (bodies,)
    total = max(b.start + b.joints.shape[0] for b in order)    # L113-114
    kp = np.zeros((2, total, 25, 3), np.float32)
    origin = np.full((2, total, 2), -1)
    spans = [[order[0].start, order[0].start + order[0].joints.shape[0]], [0, 0]]   # L117
    placed, packed, dropped = [0], 0, 0

    def put(b, slot):
        kp[slot, b.start:b.start + b.joints.shape[0]] = b.joints
        origin[slot, b.start:b.start + b.joints.shape[0]] = b.origin

    put(order[0], 0)                             # L118
    for b in order[1:]:                          # L119-126: first slot whose span so far does not overlap
        s, e = b.start, b.start + b.joints.shape[0]
        for slot in (0, 1):
            lo, hi = spans[slot]
            if max(lo, s) >= min(hi, e):
                if slot == 0 or hi > 0:
                    packed += 1
                put(b, slot)
                spans[slot] = [min(lo, s), max(hi, e)]
                break
        else:
            dropped += 1
    d["packed_body_into_used_slot"] = packed
    d["dropped_overlapping_body"] = dropped
    mass = np.abs(kp).sum(axis=(0, 2, 3), dtype=np.float64)     # L87-94, per frame over both slots
    nonempty = np.nonzero(mass >= EPS)[0]
    if len(nonempty) == 0:                       # L90 would index past the end
        raise Rejected("all_zero_keypoints", d)
    first, end = nonempty[0], nonempty[-1] + 1
    d["trimmed_empty_frames"] = int(total - (end - first))
    kp, origin = kp[:, first:end], origin[:, first:end]
    spine = [float(np.abs(kp[m, 0, 1]).sum(dtype=np.float32)) for m in (0, 1)]   # L129
    d["swapped_body_slots"] = 0
    if spine[0] < EPS and spine[1] > EPS:        # L130
        kp, origin = kp[::-1].copy(), origin[::-1].copy()
        d["swapped_body_slots"] = 1
    return kp, origin, d, bodies


def shortest(x):
    """The shortest decimal that reads back to the same float32."""
    f = np.float32(x)
    for digits in range(1, 10):
        s = "%.*g" % (digits, f)
        if np.float32(s) == f:
            return float(s)
    raise AssertionError(x)


def entry(path, full):
    name = os.path.basename(path)[:-len(".skeleton")]
    try:
        kp, origin, d, bodies = denoise(path)
    except Rejected as r:
        return {"file": path, "name": name, "status": "rejected", "code": r.code, "decisions": r.decisions}
    e = {"file": path, "name": name, "status": "ok", "M": int(kp.shape[0]), "T": int(kp.shape[1]), "decisions": d,
         "bodies": [{"id": str(b.id), "start": b.start, "frames": int(b.joints.shape[0]),
                     "motion": shortest(motion(b.joints))} for b in bodies],
         "origin": origin.reshape(-1).tolist(),
         "frame_sums": [round(float(v), 9) for v in kp.astype(np.float64).sum(axis=2).reshape(-1)]}
    if full:
        e["keypoint"] = [shortest(v) for v in kp.reshape(-1)]
    if name in WITH_JOINT:
        clip = np.zeros((3, kp.shape[1], 25, 2), np.float32)       # (M, T, 25, 3) -> (3, T, 25, 2)
        clip[..., :kp.shape[0]] = kp.transpose(3, 1, 2, 0)
        joint = steps.y_rotation(steps.resize(steps.centre(clip), kp.shape[1]))[0]
        e["joint"] = [shortest(v) for v in joint.reshape(-1)]
    return e


def cases():
    out = []
    for folder in FIXTURES:
        out += [(p, False) for p in sorted(glob.glob(os.path.join(folder, "*.skeleton")))]
    out += [(p, True) for p in sorted(glob.glob(os.path.join(INPUTS, "*.skeleton")))]
    return out


def main():
    goldens = [entry(p, full) for p, full in cases()]
    with open(OUT, "w") as f:
        json.dump({"source": "kennymckormick/pyskl tools/data/ntu_preproc.py @ 3f6795f",
                   "layout": "keypoint: (M, T, 25, 3) C order; origin: (M, T, 2) file frame and position in that "
                             "frame of each slot's frame, -1 where zero; frame_sums: (M, T, 3) sum over joints; "
                             "joint: (3, 50, 25, 2), the clean-mode joint stream",
                   "samples": goldens}, f, indent=0, sort_keys=True)
        f.write("\n")
    print("%d samples, %d ok" % (len(goldens), sum(g["status"] == "ok" for g in goldens)))


if __name__ == "__main__":
    main()
