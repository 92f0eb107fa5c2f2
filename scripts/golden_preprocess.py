#!/usr/bin/env python3
"""Golden data for the Swift Preprocess module: an independent NumPy/OpenCV implementation of the spec's
reference preprocessing (shared/spec/preprocessing.md, "Reference mode, in order", and the streams), run on
synthetic arrays and on committed fixture files. Writes JSON into Tests/PreprocessTests/Golden/.

Run from the repository root:  python3 scripts/golden_preprocess.py
Layout of every file: Tests/PreprocessTests/Golden/README.md. Arrays are flat lists in C order of the
stated shape, each number the shortest decimal that reads back to the same float32 (checked on write).
This script does not import the fixture generator: it parses the raw files itself.
"""
import json
import os

import cv2
import numpy as np

OUT = "Tests/PreprocessTests/Golden"
T_OUT = 50          # frames after resizing
MAX_FRAMES = 300    # frames kept from a raw sequence
CENTRE = 20         # joint 21
L_SHOULDER, R_SHOULDER = 4, 8   # joints 5 and 9
# preprocessing.md "Streams", 1-based child -> parent, written out as given there
PARENTS_1 = {1: 2, 2: 21, 3: 21, 4: 3, 5: 21, 6: 5, 7: 6, 8: 7, 9: 21, 10: 9, 11: 10, 12: 11, 13: 1, 14: 13, 15: 14,
             16: 15, 17: 1, 18: 17, 19: 18, 20: 19, 21: 21, 22: 23, 23: 8, 24: 25, 25: 12}
PARENTS = [PARENTS_1[v + 1] - 1 for v in range(25)]


# ------------------------------------------------------------------------------------------ readers

def read_ntu(path):
    """Step 1 for NTU: (3, T<=300, 25, 2) float32, at most 2 bodies per frame in file order."""
    tok = open(path).read().split()
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return tok[pos - 1]

    n_frames = int(take())
    T = min(n_frames, MAX_FRAMES)
    data = np.zeros((3, T, 25, 2), np.float32)
    for t in range(n_frames):
        for m in range(int(take())):
            take()                      # bodyID
            for _ in range(9):
                take()                  # clippedEdges ... trackingState
            n_joints = int(take())
            assert n_joints == 25, path
            for v in range(n_joints):
                xyz = [np.float32(take()) for _ in range(3)]
                for _ in range(9):
                    take()
                if t < T and m < 2:
                    data[:, t, v, m] = xyz
    assert pos == len(tok), path
    return data, n_frames


def read_pku(skeleton_path, label_path, line_no):
    """Step 1 for PKU: the frames start..end (1-based inclusive) of label line `line_no` (1-based), the
    centred 300 when longer (first kept = start + (n - 300) // 2)."""
    rows = [np.array([np.float32(x) for x in ln.split()], np.float32)
            for ln in open(skeleton_path).read().split("\n") if ln.strip()]
    assert all(r.size == 150 for r in rows)
    label, start, end, conf = (int(x) for x in open(label_path).read().split("\n")[line_no - 1].split(","))
    n = end - start + 1
    first = start + max(0, (n - MAX_FRAMES) // 2)
    T = min(n, MAX_FRAMES)
    seq = np.stack(rows[first - 1:first - 1 + T])                 # (T, 150)
    data = seq.reshape(T, 2, 25, 3).transpose(3, 0, 2, 1).copy()  # (3, T, 25, 2)
    return data, dict(label=label - 1, start=start, end=end, confidence=conf, first_kept=first,
                      last_kept=first + T - 1, frames_in_file=len(rows))


# ------------------------------------------------------------------------------------------ steps

def valid_length(x300):
    """Step 2: frames where body 1 joint 1 is not all zero."""
    return int(np.count_nonzero(np.any(x300[:, :, 0, 0] != 0, axis=0)))


def raw_motion(x300):
    """Step 3: m[t] = x[t+1] - x[t] on the zero-padded 300 frames, frame 299 = 0."""
    m = np.zeros_like(x300)
    m[:, :-1] = x300[:, 1:] - x300[:, :-1]
    return m


def centre(x):
    """Step 4: subtract joint 21 of the same body and frame."""
    return x - x[:, :, CENTRE:CENTRE + 1, :]


def resize_formula(x, L):
    """OpenCV's INTER_LINEAR along rows for float32, written out (opencv/opencv modules/imgproc/src/resize.cpp:
    cv::resize sets inv_scale_y = (double)dsize.height/ssize.height and the generic hal::resize uses
    scale_y = 1./inv_scale_y; its row loop takes fy = (float)((dy+0.5)*scale_y - 0.5), sy = cvFloor(fy), fy -= sy and
    weights (1.f - fy, fy) with no border clamp of sy or fy (the column loop has one); the row indices sy, sy+1 are
    clamped to [0, L-1] when the rows are fetched; an unchanged size is a copy). All float32 arithmetic."""
    if L == T_OUT:
        return x[:, :L].astype(np.float32).copy()
    scale = 1.0 / (T_OUT / L)
    out = np.zeros((3, T_OUT) + x.shape[2:], np.float32)
    x = x[:, :L].astype(np.float32)
    for t in range(T_OUT):
        fy = np.float32((t + 0.5) * scale - 0.5)
        sy = int(np.floor(fy))
        fy = np.float32(fy - np.float32(sy))
        r0, r1 = min(max(sy, 0), L - 1), min(max(sy + 1, 0), L - 1)
        out[:, t] = x[:, r0] * (np.float32(1) - fy) + x[:, r1] * fy
    return out


def resize(x, L):
    """Step 5: OpenCV INTER_LINEAR on the (L, 25*2) plane of each channel; the written-out formula must give the
    same bits."""
    out = np.stack([cv2.resize(np.ascontiguousarray(x[c, :L].reshape(L, 50)), (50, T_OUT),
                               interpolation=cv2.INTER_LINEAR).reshape(T_OUT, 25, 2) for c in range(3)])
    ref = resize_formula(x, L)
    assert out.dtype == np.float32
    assert np.array_equal(out.view(np.uint32), ref.view(np.uint32)), "cv2 != OpenCV's float32 INTER_LINEAR formula"
    return out


def y_rotation(x):
    """Step 6 (float64 math on float32 input, one rounding to float32). Returns rotated x, theta (deg, (2, T)),
    and the per-body sums of v.z."""
    x64 = x.astype(np.float64)
    out = np.zeros_like(x64)
    thetas = np.zeros((2, x.shape[1])); sums = [0.0, 0.0]
    for m in range(2):
        v = x64[:, :, R_SHOULDER, m] - x64[:, :, L_SHOULDER, m]      # (3, T)
        v[1] = 0.0
        norm = np.sqrt((v * v).sum(0))
        theta = np.degrees(np.arccos(v[0] / (norm + 1e-4)))
        s = float(v[2].sum())
        if s >= 0:
            theta = -theta
        thetas[m] = theta; sums[m] = s
        a = np.radians(theta)
        c, sn = np.cos(a), np.sin(a)
        px, py, pz = x64[0, :, :, m], x64[1, :, :, m], x64[2, :, :, m]     # (T, 25)
        out[0, :, :, m] = c[:, None] * px - sn[:, None] * pz
        out[1, :, :, m] = py
        out[2, :, :, m] = sn[:, None] * px + c[:, None] * pz
    return out.astype(np.float32), thetas, sums


def bones(x):
    return x - x[:, :, PARENTS, :]


def motion(x):
    m = np.zeros_like(x)
    m[:, :-1] = x[:, 1:] - x[:, :-1]
    return m


def reference(raw):
    """Steps 2-7 and the streams on a step-1 array (3, T<=300, 25, 2)."""
    x300 = np.zeros((3, MAX_FRAMES, 25, 2), np.float32)
    x300[:, :raw.shape[1]] = raw
    L = valid_length(x300)
    assert L > 0, "L = 0: the sample has no valid frame"
    mot = raw_motion(x300)
    pos = centre(x300)
    pos50, mot50 = resize(pos, L), resize(mot, L)
    joint, thetas, sums = y_rotation(pos50)
    return dict(L=L, joint=joint, motion=mot50, bone=bones(joint), theta_deg=thetas, sum_vz=sums)


# ------------------------------------------------------------------------------------------ JSON

def num(v):
    s = str(np.float32(v))
    return s[:-2] if s.endswith(".0") and s != "-0.0" else s     # "-0" would read back as integer 0


def flat(a):
    a = np.asarray(a, np.float32)
    return "[" + ",".join(num(v) for v in a.reshape(-1)) + "]"


def write(name, meta, arrays):
    """meta: small JSON values; arrays: name -> float32 array (written flat, C order)."""
    parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in meta.items()]
    parts += [f"{json.dumps(k)}: {flat(v)}" for k, v in arrays.items()]
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    back = json.loads(text)
    for k, v in arrays.items():          # exact float32 round trip through a double, as Swift's JSONDecoder does
        got = np.array([np.float32(float(x)) for x in back[k]], np.float32)
        want = np.asarray(v, np.float32).reshape(-1)
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), (name, k)
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text)


def short(a):
    """float32 values with at most 3 decimals (millimetres: short JSON, exact float32)."""
    return (np.round(a, 3) + 0.0).astype(np.float32)            # + 0.0 turns -0.0 into 0.0


# ------------------------------------------------------------------------------------------ cases

def body_like(rng, T, yaw_deg, m_present=(True, False)):
    """Centred-looking skeletons (3, T, 25, 2) whose shoulders (5, 9) span a yaw angle per frame."""
    x = np.zeros((3, T, 25, 2))
    for m, present in enumerate(m_present):
        if not present:
            continue
        base = rng.uniform(-0.3, 0.3, (3, 25)); base[1] = rng.uniform(-1.0, 0.3, 25); base[:, CENTRE] = 0
        for t in range(T):
            a = np.radians(yaw_deg[m][t])
            x[:, t, :, m] = base + rng.normal(0, 0.01, (3, 25))
            half = 0.17 * np.array([np.cos(a), 0, np.sin(a)])
            x[:, t, R_SHOULDER, m] = half + [0, -0.03, 0]
            x[:, t, L_SHOULDER, m] = -half + [0, -0.03, 0]
            x[:, t, CENTRE, m] = 0
    return short(x)


def synthetic_cases():
    rng = np.random.default_rng(20240612)
    for L in (1, 7, 50, 123):
        x = (np.round(rng.uniform(-0.5, 3.5, (3, L, 25, 2)), 1) + 0.0).astype(np.float32)   # 1 decimal: size
        write(f"resize_L{L}.json", {"L": L, "input_shape": [3, L, 25, 2], "expected_shape": [3, 50, 25, 2]},
              {"input": x, "expected": resize(x, L)})

    x = short(rng.uniform(-1.0, 3.5, (3, 4, 25, 2)))
    x[:, 2, :, 1] = 0                                   # body 2 absent in frame 2
    write("centre.json", {"input_shape": [3, 4, 25, 2], "absent": "body 2 (m = 1) in frame 2 (0-based)"},
          {"input": x, "expected": centre(x)})

    T = T_OUT
    pos_yaw = [20 + 35 * np.sin(np.linspace(0, 3, T)), np.zeros(T)]           # v.z mostly > 0
    x = body_like(rng, T, pos_yaw)
    x[:, 10, R_SHOULDER, 0] = x[:, 10, L_SHOULDER, 0]   # frame 10: shoulders coincide, v = 0 -> theta = 90
    rot, th, sums = y_rotation(x)
    assert sums[0] > 0.5 and np.all(rot[..., 1] == 0)
    write("yrotation_pos.json", {"input_shape": [3, 50, 25, 2], "sum_vz": sums,
                                 "notes": "body 1 sum v.z > 0 (theta negated); frame 10 body 1 has v = 0; "
                                          "body 2 all zeros"},
          {"input": x, "expected": rot, "theta_deg": th})

    neg_yaw = [-30 + 50 * np.sin(np.linspace(0, 2, T)) - 20, 150 + 20 * np.cos(np.linspace(0, 4, T))]
    x = body_like(rng, T, neg_yaw, (True, True))
    rot, th, sums = y_rotation(x)
    assert sums[0] < -0.5 and sums[1] > 0.5
    write("yrotation_neg.json", {"input_shape": [3, 50, 25, 2], "sum_vz": sums,
                                 "notes": "body 1 sum v.z < 0 (theta kept positive); body 2 present, "
                                          "sum v.z > 0 (theta negated): the sign is per body"},
          {"input": x, "expected": rot, "theta_deg": th})

    x = short(rng.uniform(-1.0, 3.5, (3, T, 25, 2)))
    write("streams.json", {"input_shape": [3, 50, 25, 2]}, {"input": x, "bone": bones(x), "motion": motion(x)})


NTU_REFERENCES = [
    ("fixtures/ntu60/nturgb+d_skeletons/S001C001P001R001A001.skeleton", "1 actor, 20 frames"),
    ("fixtures/ntu60/nturgb+d_skeletons/S005C002P010R001A050.skeleton",
     "2 actors, file order of the bodies swapped in frames 12-19 (reference follows file order)"),
    ("fixtures/ntu60/nturgb+d_skeletons/S005C003P015R002A050.skeleton",
     "2 actors + furniture third body; the furniture is body 2 in frames 14-17 (file order)"),
    ("fixtures/ntu60/nturgb+d_skeletons/S002C003P006R001A008.skeleton", "320 frames, first 300 kept"),
]
PKU_REFERENCES = [
    ("fixtures/pku1/skeleton/0003-L.txt", "fixtures/pku1/label/0003-L.txt", 1, "2 bodies (punching)"),
    ("fixtures/pku1/skeleton/0004-M.txt", "fixtures/pku1/label/0004-M.txt", 1,
     "340-frame instance, centred 300 kept"),
]


def fixture_cases():
    for path, note in NTU_REFERENCES:
        raw, n_frames = read_ntu(path)
        r = reference(raw)
        name = os.path.basename(path).split(".")[0]
        write(f"reference_{name}.json",
              {"file": path, "label": int(name[17:20]) - 1, "L": r["L"], "frames_in_file": n_frames,
               "frames_kept": raw.shape[1], "shape": [3, 50, 25, 2], "sum_vz": r["sum_vz"], "notes": note},
              {"joint": r["joint"], "motion": r["motion"], "bone": r["bone"], "theta_deg": r["theta_deg"]})
    for sk, lb, line, note in PKU_REFERENCES:
        raw, info = read_pku(sk, lb, line)
        r = reference(raw)
        stem = os.path.basename(sk).split(".")[0]
        write(f"reference_pku1_{stem}_line{line}.json",
              {"file": sk, "label_file": lb, "label_line": line, "label": info["label"], "L": r["L"],
               "start": info["start"], "end": info["end"], "first_kept": info["first_kept"],
               "last_kept": info["last_kept"], "frames_kept": raw.shape[1], "shape": [3, 50, 25, 2],
               "sum_vz": r["sum_vz"], "notes": note},
              {"joint": r["joint"], "motion": r["motion"], "bone": r["bone"], "theta_deg": r["theta_deg"]})


def main():
    os.makedirs(OUT, exist_ok=True)
    synthetic_cases()
    fixture_cases()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT) if f.endswith(".json"))
    print(f"golden JSON written to {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
