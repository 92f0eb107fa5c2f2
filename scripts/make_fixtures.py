#!/usr/bin/env python3
"""Writes the committed raw-dataset fixtures under fixtures/ (NTU60, NTU120, PKU-MMD phase 1 and 2, bad files).

Deterministic: every random draw comes from numpy.random.default_rng keyed by (SEED, purpose, item), so the
output is byte-identical on every run and adding a file does not change the others.
Run from the repository root:  python3 scripts/make_fixtures.py
Bodies are built by forward kinematics (scripts/fixture_body.py); the script checks bone lengths, body
spreads and re-parses every NTU file it wrote before it finishes.
"""
import os
import shutil
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_body import (ACTIONS, LEAF_JOINTS, Performer, bone_lengths, place, quaternion,  # noqa: E402
                          rx, ry)

SEED = 20240611
ROOT = "fixtures"
BODY_ID_BASE = 72057594037927936          # 2**56: Kinect v2 tracking ids are this plus a counter
CAMERA_ANGLE = {1: -45.0, 2: 0.0, 3: 45.0}   # NTU cameras (PKU views L, M, R use the same angles)
NTU60_XSUB_TRAIN = {1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38}
NTU120_XSUB_TRAIN = NTU60_XSUB_TRAIN | {45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82,
                                        83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103}
TWO_PERSON = {"punch": "punched", "handshake": "handshake", "high_five": "high_five", "kick": "punched"}


def rng_for(*key):
    return np.random.default_rng([SEED] + [zlib.crc32(str(k).encode()) for k in key])


def fmt7(v):
    """Like the C# float formatting of the Kinect SDK tools: 7 significant digits, E for exponents."""
    return "0" if v == 0 else ("%.7g" % v).replace("e", "E")


# ----------------------------------------------------------------------------------------- cameras

def camera(setup_key, cam):
    r = rng_for("setup", setup_key)
    dist, height, tilt = r.uniform(2.8, 3.3), r.uniform(0.75, 1.05), r.uniform(-6, 6)
    R = rx(tilt) @ ry(-CAMERA_ANGLE[cam])
    return R, np.array([0.0, -height, dist])


def to_camera(X, G, cam_R, cam_t):
    return X @ cam_R.T + cam_t, np.einsum("ij,...jk->...ik", cam_R, G)


def project(p):
    """Simple pinhole projection to the 512x424 depth and 1920x1080 colour images."""
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    return (255.5 + 365.5 * x / z, 211.5 - 365.5 * y / z, 985.2 + 1062.0 * x / z, 532.8 - 1062.0 * y / z)


# ----------------------------------------------------------------------------------------- people

def actor_tracks(spec, n, setup_key, cam, rep, seed_key):
    """Camera-space positions (T,25,3) and rotations of every actor of one sample."""
    r = rng_for("scene", seed_key)
    action = spec["action"]
    scene_yaw = r.uniform(-8, 8)
    phase = r.uniform(0, 6.28)
    perfs = [Performer.make(spec["pid"], SEED)]
    if action in TWO_PERSON:
        perfs.append(Performer.make(spec.get("partner", (spec["pid"] % 40) + 1), SEED))
        side = -1 if rep == 1 else 1
        setups = [(action, side * 0.45, -90 * side), (TWO_PERSON[action], -side * 0.45, 90 * side)]
    else:
        setups = [(action, r.uniform(-0.2, 0.2), (-45.0 if rep == 1 else 45.0) + spec.get("facing", 0.0))]
    cam_R, cam_t = camera(setup_key, cam)
    out = []
    for perf, (act, x0, facing) in zip(perfs, setups):
        fn = ACTIONS[act]
        poses = [fn(t / max(n - 1, 1), t / 30.0, phase) for t in range(n)]
        X, G = place(perf, poses, facing + scene_yaw, (x0, r.uniform(-0.15, 0.15)))
        Xc, Gc = to_camera(X, G, cam_R, cam_t)
        out.append({"X": Xc, "G": Gc, "rel_yaw": facing + scene_yaw - CAMERA_ANGLE[cam], "perf": perf, "clean": X})
    return out


def tracked_joints(actor, r):
    """Adds tracking noise; returns noisy positions and Kinect tracking states (2 tracked, 1 inferred)."""
    X = actor["X"]
    T = X.shape[0]
    state = np.full((T, 25), 2, dtype=int)
    state[r.random((T, 25)) < 0.02] = 1
    if abs(((actor["rel_yaw"] + 180) % 360) - 180) > 60:      # side view: the far arm is often inferred
        far = [4, 5, 6, 7, 21, 22] if actor["rel_yaw"] < 0 else [8, 9, 10, 11, 23, 24]
        mask = r.random((T, len(far))) < 0.5
        state[:, far] = np.where(mask, 1, state[:, far])
    sigma = np.where(state == 2, 0.003, 0.012)[..., None]
    return X + r.normal(0.0, 1.0, X.shape) * sigma, state


def noise_blob(r, n):
    """A furniture-like false body: static, wide in x, flat in y."""
    centre = np.array([r.uniform(-1.3, -1.0), r.uniform(-0.6, -0.4), r.uniform(3.4, 3.8)])
    shape = np.stack([r.uniform(-0.6, 0.6, 25), r.uniform(-0.12, 0.12, 25), r.uniform(-0.15, 0.15, 25)], -1)
    X = centre + shape + r.normal(0, 0.008, (n, 25, 3))
    G = np.broadcast_to(ry(r.uniform(-40, 40)) @ rx(r.uniform(-20, 20)), (n, 25, 3, 3))
    state = np.where(r.random((n, 25)) < 0.4, 1, 2)
    return X, G, state


# ----------------------------------------------------------------------------------------- NTU writer

def body_line(body_id, r, lean=(0.0, 0.0), noise=False):
    if noise:
        fields = [0, 0, 0, 0, 0, 0]
    else:
        fields = [0, int(r.integers(0, 2)), int(r.integers(0, 4)), int(r.integers(0, 2)), int(r.integers(0, 4)), 0]
    lx, ly = lean[0] + r.normal(0, 0.03), lean[1] + r.normal(0, 0.03)
    return " ".join([str(body_id)] + [str(f) for f in fields] + [fmt7(lx), fmt7(ly), "2"])


def joint_lines(X, G, state):
    dx, dy, cx, cy = project(X)
    lines = []
    for j in range(25):
        q = np.zeros(4) if j in LEAF_JOINTS else quaternion(G[j])
        vals = [X[j, 0], X[j, 1], X[j, 2], dx[j], dy[j], cx[j], cy[j], q[0], q[1], q[2], q[3]]
        lines.append(" ".join(fmt7(float(v)) for v in vals) + " " + str(state[j]))
    return lines


def build_ntu(spec):
    """Frames as lists of body records (id, X, G, state, kind) following the spec's events."""
    name, n = spec["name"], spec["frames"]
    setup, cam, pid, rep = (int(name[i:i + 3]) for i in (1, 5, 9, 13))
    r = rng_for("ntu", name)
    actors = actor_tracks(dict(spec, pid=pid), n, setup, cam, rep, name)
    id0 = BODY_ID_BASE + int(r.integers(1000, 9000))
    bodies = []
    for k, a in enumerate(actors):
        Xn, state = tracked_joints(a, r)
        bodies.append({"id": id0 + 1 + 2 * k, "X": Xn, "G": a["G"], "state": state, "kind": f"actor{k + 1}",
                       "clean": a["clean"], "perf": a["perf"]})
    blob = None
    if "noise" in spec:
        bX, bG, bs = noise_blob(r, n)
        blob = {"id": id0 + 7, "X": bX, "G": bG, "state": bs, "kind": "noise"}
    frames = []
    lost = spec.get("lost")            # (actor index, first, last): missing, then back with a new id
    for t in range(n):
        if spec.get("all_empty") or t < spec.get("lead", 0) or t >= n - spec.get("trail", 0) or t in spec.get("mid", ()):
            frames.append([]); continue
        recs = []
        for k, b in enumerate(bodies):
            if lost and k == lost[0] and lost[1] <= t <= lost[2]:
                continue
            bid = b["id"] + (11 if lost and k == lost[0] and t > lost[2] else 0)
            recs.append((bid, b, t))
        if lost and t > lost[2]:       # the re-acquired body takes a later slot
            recs = [x for x in recs if bodies.index(x[1]) != lost[0]] + [x for x in recs if bodies.index(x[1]) == lost[0]]
        if "swap" in spec and spec["swap"][0] <= t <= spec["swap"][1]:
            recs = recs[::-1]
        if blob is not None and t in spec["noise"]:
            recs.insert(min(spec.get("noise_at", {}).get(t, len(recs)), len(recs)), (blob["id"], blob, t))
        frames.append(recs)
    return frames, bodies, blob


def write_ntu(path, spec):
    frames, bodies, blob = build_ntu(spec)
    r = rng_for("ntu-lines", spec["name"])
    lines = [str(len(frames))]
    for t, recs in enumerate(frames):
        lines.append(str(len(recs)))
        for bid, b, tt in recs:
            lean = (0.0, 0.0) if b["kind"] == "noise" else (float(b["X"][tt, 20, 0] - b["X"][tt, 0, 0]) * 2,
                                                          float(b["X"][tt, 0, 2] - b["X"][tt, 20, 2]) * 2)
            lines.append(body_line(bid, r, lean, noise=b["kind"] == "noise"))
            lines.append("25")
            lines.extend(joint_lines(b["X"][tt], b["G"][tt], b["state"][tt]))
    if "exponent" in spec:                 # one C#-style exponent number, frame 0, joint 1, orientX
        t0 = 1 + 1 + 1 + 1                 # header, numBodies, body line, "25" -> first joint line index
        parts = lines[t0].split(" "); parts[8] = "4.470348E-08"; lines[t0] = " ".join(parts)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return frames, bodies, blob


# ----------------------------------------------------------------------------------------- checks

def check_bodies(name, bodies, blob):
    for b in bodies:
        bl = bone_lengths(b["clean"])
        dev = float((bl.max(0) - bl.min(0)).max())
        assert dev < 1e-9, f"{name}: bone lengths drift {dev}"
        noisy = bone_lengths(b["X"])
        assert float(np.abs(noisy - bl[:1]).max()) < 0.08, f"{name}: noisy bone off"
        sx = np.ptp(b["X"][..., 0]); sy = np.ptp(b["X"][..., 1])
        assert sx < 0.75 * sy, f"{name}: real body spread x {sx:.2f} y {sy:.2f} looks like noise"
        z = b["X"][..., 2]
        assert 1.5 < z.min() and z.max() < 4.6, f"{name}: depth {z.min()}..{z.max()}"
    if blob is not None:
        assert np.ptp(blob["X"][..., 0]) > 0.8 * np.ptp(blob["X"][..., 1])


def reparse_ntu(path):
    """Independent minimal parse: returns per-frame list of (bodyID, (25,3) xyz)."""
    toks = open(path).read().split("\n")
    i = 0
    def nxt():
        nonlocal i
        i += 1
        return toks[i - 1]
    out = []
    for _ in range(int(nxt())):
        fr = []
        for _ in range(int(nxt())):
            body = nxt().split()
            assert len(body) == 10
            assert int(nxt()) == 25
            xyz = []
            for _ in range(25):
                v = nxt().split(); assert len(v) == 12
                xyz.append([float(x) for x in v[:3]])
            fr.append((int(body[0]), np.array(xyz)))
        out.append(fr)
    assert i == len(toks) - 1 and toks[-1] == ""
    return out


# ----------------------------------------------------------------------------------------- plans

NTU60 = [
    dict(name="S001C001P001R001A001", frames=20, action="drink", note="plain 1 actor, 20 frames (golden reference)"),
    dict(name="S001C002P001R001A001", frames=20, action="drink", exponent=True,
         note="line 5 (frame 0, joint 1) orientX written as `4.470348E-08` (C# exponent form)"),
    dict(name="S001C003P001R001A001", frames=20, action="drink", note="side view (body turned ~90°), far arm often inferred (state 1)"),
    dict(name="S001C001P003R002A001", frames=20, action="drink", note="xsub test performer"),
    dict(name="S002C002P003R001A008", frames=80, action="sit_down", note="80 frames"),
    dict(name="S002C001P002R002A008", frames=30, action="sit_down", lead=3, trail=2,
         note="0-body frames: leading 0–2 and trailing 28–29"),
    dict(name="S002C003P006R001A008", frames=320, action="sit_down", note="320 frames (> 300: reference keeps the first 300; golden reference)"),
    dict(name="S003C002P004R001A023", frames=26, action="wave", mid=(13,), note="0-body frame in the middle (frame 13)"),
    dict(name="S003C001P007R002A023", frames=20, action="wave", noise=set(range(4, 16)),
         noise_at={t: 0 for t in range(4, 10)},
         note="1 actor + furniture body in frames 4–15: listed FIRST in frames 4–9, second in 10–15"),
    dict(name="S003C003P008R002A023", frames=20, action="wave", note="plain"),
    dict(name="S004C002P005R001A027", frames=24, action="jump", note="jump: root rises ~0.3 m"),
    dict(name="S004C001P010R002A027", frames=20, action="jump", note="xsub test"),
    dict(name="S004C003P020R002A027", frames=20, action="jump", all_empty=True,
         note="every frame has 0 bodies; listed in missing_skeletons.txt (L = 0 if read anyway)"),
    dict(name="S005C001P010R001A050", frames=24, action="punch", note="2 actors, plain"),
    dict(name="S005C002P010R001A050", frames=26, action="punch", swap=(12, 19),
         note="2 actors; file order of the two bodies swapped in frames 12–19 (bodyIDs stay with their person; golden reference)"),
    dict(name="S005C003P015R002A050", frames=28, action="punch", noise=set(range(6, 24)),
         noise_at={t: 1 for t in range(14, 18)},
         note="2 actors + furniture third body in frames 6–23; the furniture is listed second (before actor 2) in frames 14–17 (golden reference)"),
    dict(name="S006C002P009R001A058", frames=24, action="handshake", lost=(0, 10, 11),
         note="2 actors; actor 1 lost in frames 10–11 (1 body), back from frame 12 with a NEW bodyID listed after actor 2"),
    dict(name="S006C001P011R002A058", frames=20, action="handshake", note="2 actors, xsub test"),
    dict(name="S007C002P017R002A001", frames=20, action="drink", note="plain"),
    dict(name="S007C003P033R001A008", frames=20, action="sit_down", note="xsub test"),
    dict(name="S008C001P038R001A023", frames=20, action="wave", note="plain"),
    dict(name="S008C002P040R002A027", frames=20, action="jump", note="xsub test"),
    dict(name="S009C003P025R001A058", frames=20, action="handshake", note="2 actors"),
    dict(name="S010C002P027R002A023", frames=20, action="wave", note="plain"),
]

NTU120 = [
    dict(name="S018C001P045R001A080", frames=18, action="squat", note="squat down"),
    dict(name="S019C002P041R002A080", frames=18, action="squat", note="xsub test, odd setup"),
    dict(name="S020C003P046R001A095", frames=18, action="hands_up", note="hands up (both)"),
    dict(name="S021C001P060R001A095", frames=18, action="hands_up", note="xsub test"),
    dict(name="S022C002P070R002A097", frames=18, action="arm_circles", note="arm circles"),
    dict(name="S023C003P090R001A097", frames=18, action="arm_circles", note="xsub test"),
    dict(name="S024C002P103R001A099", frames=18, action="run_on_spot", note="running on the spot"),
    dict(name="S025C001P106R002A099", frames=18, action="run_on_spot", note="performer 106 (max), xsub test"),
    dict(name="S026C002P055R001A112", frames=18, action="high_five", partner=56, note="high-five, 2 actors"),
    dict(name="S027C003P062R002A112", frames=18, action="high_five", partner=63, lead=2,
         note="2 actors, leading 0-body frames 0–1"),
    dict(name="S032C002P100R001A102", frames=18, action="side_kick", note="side kick, setup 32 (max)"),
    dict(name="S029C001P079R001A023", frames=18, action="wave", note="an NTU60 class (A023) in an NTU120 setup"),
]

MISSING = ["S004C003P020R002A027"]

# PKU-MMD: videos -> (frames, views, segments (0-based inclusive frames, action), labels (1-based rows),
# two-person frame range or None, number format)
PKU1 = {
    "0002": dict(frames=50, views="LMR", segments=[(3, 24, "drink"), (27, 48, "wave")],
                 labels=[(8, 4, 25, 2), (13, 28, 49, 1)]),
    "0003": dict(frames=48, views="LMR", segments=[(2, 25, "punch"), (29, 46, "jump")],
                 labels=[(26, 3, 26, 2), (17, 30, 47, 2)], partner=(0, 28), facing=-60.0),
    "0004": dict(frames=400, views="M", segments=[(30, 369, "sit_down"), (370, 373, "seated"), (374, 397, "stand_up")],
                 labels=[(33, 31, 370, 2), (34, 375, 398, 1)], precision=4),
}
PKU2 = {
    "A01N01": dict(frames=44, views="LMR", segments=[(3, 21, "hands_up"), (25, 42, "jump")],
                   labels=[(5, 4, 22, 2), (17, 26, 43, 1)], trailing_space=True),
    "A02N03": dict(frames=38, views="LMR", segments=[(2, 19, "drink"), (22, 36, "wave")],
                   labels=[(29, 3, 20, 2), (41, 23, 37, 2)], ext=(".skeleton", ".label")),
}
PKU_SPLITS = {
    "pku1": {"cross-subject": (["0002-L", "0002-M", "0002-R", "0004-M"], ["0003-L", "0003-M", "0003-R"]),
             "cross-view": (["0002-M", "0002-R", "0003-M", "0003-R", "0004-M"], ["0002-L", "0003-L"])},
    "pku2": {"cross-subject": (["A01N01-L", "A01N01-M", "A01N01-R"], ["A02N03-L", "A02N03-M", "A02N03-R"]),
             "cross-view": (["A01N01-M", "A01N01-R", "A02N03-M", "A02N03-R"], ["A01N01-L", "A02N03-L"])},
}


# ----------------------------------------------------------------------------------------- PKU writer

def pku_timeline_pose(v, t, phase):
    for first, last, act in v["segments"]:
        if first <= t <= last:
            return ACTIONS[act]((t - first) / max(last - first, 1), t / 30.0, phase)
    return ACTIONS["idle"](0.0, t / 30.0, phase)


def write_pku(phase_dir, vid, v):
    r0 = rng_for("pku", phase_dir, vid)
    phase = r0.uniform(0, 6.28)
    perf = Performer.make(int(r0.integers(1, 60)), SEED)
    n = v["frames"]
    poses = [pku_timeline_pose(v, t, phase) for t in range(n)]
    facing = v.get("facing", 0.0) + r0.uniform(-6, 6)
    X, G = place(perf, poses, facing, (-0.45 if "partner" in v else 0.0, 0.0))
    check_pku_body(f"{phase_dir}/{vid}", X)
    X2 = None
    if "partner" in v:
        f0, f1 = v["partner"]
        p2 = [ACTIONS["punched"](np.clip((t - f0) / (f1 - f0), 0, 1), t / 30.0, phase) for t in range(n)]
        X2, _ = place(Performer.make(int(r0.integers(1, 60)), SEED), p2, 90.0, (0.45, 0.0))
        check_pku_body(f"{phase_dir}/{vid} partner", X2)
    sk_ext, lb_ext = v.get("ext", (".txt", ".txt"))
    prec = v.get("precision")
    fmt = (lambda x: "0" if x == 0 else ("%.*f" % (prec, x)).replace("-0.0000", "0.0000")) if prec else \
          (lambda x: "0" if x == 0 else "%g" % x)
    names = []
    for view in v["views"]:
        cam_R, cam_t = camera(("pku", phase_dir, vid), {"L": 1, "M": 2, "R": 3}[view])
        r = rng_for("pku-noise", phase_dir, vid, view)
        body1 = X @ cam_R.T + cam_t + r.normal(0, 0.003, X.shape)
        body2 = None if X2 is None else X2 @ cam_R.T + cam_t + r.normal(0, 0.003, X2.shape)
        lines = []
        for t in range(n):
            b1 = [fmt(float(x)) for x in body1[t].reshape(-1)]
            if body2 is not None and v["partner"][0] <= t <= v["partner"][1]:
                b2 = [fmt(float(x)) for x in body2[t].reshape(-1)]
            else:
                b2 = ["0"] * 75
            lines.append(" ".join(b1 + b2) + (" " if v.get("trailing_space") else ""))
        stem = f"{vid}-{view}"
        with open(f"{ROOT}/{phase_dir}/skeleton/{stem}{sk_ext}", "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(f"{ROOT}/{phase_dir}/label/{stem}{lb_ext}", "w") as f:
            f.write("".join(f"{a},{s},{e},{c}\n" for a, s, e, c in v["labels"]))
        names.append(stem + sk_ext)
    return names


def check_pku_body(name, X):
    bl = bone_lengths(X)
    assert float((bl.max(0) - bl.min(0)).max()) < 1e-9, name


def write_splits(phase_dir):
    for split, (train, test) in PKU_SPLITS[phase_dir].items():
        # a doubled space and a trailing comma: "whitespace and empty items are ignored"
        train_line = train[0] + ",  " + ", ".join(train[1:]) + ","
        with open(f"{ROOT}/{phase_dir}/split/{split}.txt", "w") as f:
            f.write(f"Training videos: \n{train_line}\nValidation videos: \n{', '.join(test)}\n")


# ----------------------------------------------------------------------------------------- bad files

def write_bad():
    """Small broken files next to a README naming the faulty line. Names are valid, so a reader gets past
    the file name and meets the content error."""
    d = f"{ROOT}/bad/ntu"
    base = dict(name="S001C001P001R001A001", frames=3, action="drink")
    tmp = f"{d}/_tmp"
    write_ntu(tmp, base)
    good = open(tmp).read().split("\n")[:-1]          # 85 lines: 1 + 3 * (1 + 1 + 1 + 25)
    os.remove(tmp)
    assert len(good) == 85
    def put(name, lines, end="\n"):
        with open(f"{d}/{name}.skeleton", "w") as f:
            f.write("\n".join(lines) + (end if lines else ""))
    trunc = good[:70]
    trunc[69] = " ".join(trunc[69].split(" ")[:5])
    put("S001C001P001R001A002", trunc, end="")
    bad = list(good); v = bad[32].split(" "); v[1] = "0.1x34"; bad[32] = " ".join(v)
    put("S001C001P001R001A003", bad)
    bad = list(good); bad[3] = "24"; del bad[28]
    put("S001C001P001R001A004", bad)
    bad = list(good); v = bad[44].split(" "); v[2] = "NaN"; bad[44] = " ".join(v)
    put("S001C001P001R001A005", bad)
    put("S001C001P001R001A006", [])
    bad = list(good); bad[0] = "-3"
    put("S001C001P001R001A007", bad)
    # PKU: one skeleton line with 149 values, one label line with end < start
    os.makedirs(f"{ROOT}/bad/pku/skeleton"); os.makedirs(f"{ROOT}/bad/pku/label")
    r = rng_for("bad-pku")
    rows = [" ".join("%g" % x for x in np.r_[r.normal(0, 0.3, 75) + np.tile([0, 0, 3.0], 25), np.zeros(75)])
            for _ in range(6)]
    rows[2] = " ".join(rows[2].split(" ")[:149])
    with open(f"{ROOT}/bad/pku/skeleton/0005-L.txt", "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(f"{ROOT}/bad/pku/label/0005-L.txt", "w") as f:
        f.write("3,1,4,2\n7,5,2,1\n")
    with open(f"{ROOT}/bad/README.md", "w") as f:
        f.write(BAD_README)


BAD_README = """# Deliberately broken inputs

Every file here must be rejected with one clear error naming the file and the line (1-based) below;
no crash, no partial sample. The NTU files are 3-frame, 1-body recordings (85 lines when intact:
line 1 numFrames; per frame: numBodies, body line, `25`, 25 joint lines — frame 1 is lines 2–29,
frame 2 lines 30–57, frame 3 lines 58–85). Names are valid so that the content error is what fails.

| file | defect | where |
|---|---|---|
| ntu/S001C001P001R001A002.skeleton | truncated: the file stops in the middle of a joint line (5 of 12 values, no newline), joints 11–25 of frame 3 missing | line 70 |
| ntu/S001C001P001R001A003.skeleton | non-numeric token `0.1x34` as y of joint 1, frame 2 | line 33, field 2 |
| ntu/S001C001P001R001A004.skeleton | joint count 24 instead of 25 (24 joint lines follow, so the rest of the file is consistent with the wrong count) | line 4 |
| ntu/S001C001P001R001A005.skeleton | `NaN` as z of joint 13, frame 2 (Swift's `Float("NaN")` accepts it: must be checked explicitly) | line 45, field 3 |
| ntu/S001C001P001R001A006.skeleton | empty file (0 bytes): no frame count | line 1 |
| ntu/S001C001P001R001A007.skeleton | negative frame count `-3` | line 1 |
| pku/skeleton/0005-L.txt | 149 values instead of 150 | line 3 |
| pku/label/0005-L.txt | end frame 2 before start frame 5 | line 2 |

Regenerate with `python3 scripts/make_fixtures.py` (writes the whole fixtures/ tree).
"""


# ----------------------------------------------------------------------------------------- README

def runs(frames):
    """'f0–2: 0, f3–27: 1' style run-length of bodies per frame."""
    counts = [len(f) for f in frames]
    out, start = [], 0
    for t in range(1, len(counts) + 1):
        if t == len(counts) or counts[t] != counts[start]:
            rng_txt = f"f{start}" if t - 1 == start else f"f{start}–{t - 1}"
            out.append(f"{rng_txt}: {counts[start]}")
            start = t
    return ", ".join(out)


def split_sides(name, ntu120):
    setup, cam, pid = int(name[1:4]), int(name[5:8]), int(name[9:12])
    if ntu120:
        return ("train" if pid in NTU120_XSUB_TRAIN else "test", "train" if setup % 2 == 0 else "test")
    return ("train" if pid in NTU60_XSUB_TRAIN else "test", "train" if cam in (2, 3) else "test")


def table(rows, ntu120):
    second = "xset" if ntu120 else "xview"
    head = f"| file | frames | bodies per frame (frame ranges 0-based) | label | xsub | {second} | bytes | notes |\n" \
           "|---|---|---|---|---|---|---|---|\n"
    body = ""
    for spec, frames, size in rows:
        xs, xv = split_sides(spec["name"], ntu120)
        body += (f"| {spec['name']} | {spec['frames']} | {runs(frames)} | {int(spec['name'][17:20]) - 1} | {xs} | {xv} "
                 f"| {size} | {spec['note']} |\n")
    return head + body


def pku_section(phase_dir, videos, names):
    out = ""
    for vid, v in videos.items():
        sk_ext, lb_ext = v.get("ext", (".txt", ".txt"))
        views = ", ".join(f"{vid}-{x}" for x in v["views"])
        extra = []
        if "partner" in v:
            extra.append(f"second body present in frames {v['partner'][0] + 1}–{v['partner'][1] + 1} (1-based), "
                         "all zeros elsewhere")
        if v.get("precision"):
            extra.append(f"{v['precision']} decimals per value")
        if v.get("trailing_space"):
            extra.append("every skeleton line ends with a space")
        if sk_ext != ".txt":
            extra.append(f"extension variant `{sk_ext}` / `{lb_ext}`")
        lab = "; ".join(f"`{a},{s},{e},{c}` ({e - s + 1} frames)" for a, s, e, c in v["labels"])
        out += f"| {vid} | {views} | {v['frames']} | {lab} | {'; '.join(extra) or '—'} |\n"
    return ("| video | views (files) | frames | label lines (`label,start,end,confidence`) | notes |\n"
            "|---|---|---|---|---|\n" + out)


def write_readme(ntu60_rows, ntu120_rows, pku_names):
    text = f"""# Test fixtures: small synthetic raw datasets

Generated by `python3 scripts/make_fixtures.py` (deterministic; seed {SEED}; do not edit by hand — change the
script and regenerate). Bodies are built by forward kinematics on the Kinect v2 bone tree with fixed bone
lengths per performer (scale 0.88–1.07 of a ~1.75 m adult), joint angles moving smoothly per action class,
placed 2.8–3.3 m from the camera (y up), seen by cameras at −45°/0°/+45° (NTU cameras 1/2/3, PKU views L/M/R),
with Kinect-like tracking noise (3 mm tracked, 12 mm inferred joints). The script asserts that every spec bone
keeps its length in the noise-free motion (drift < 1e-9 m) and that real bodies have x-spread < 0.75 · y-spread
while the furniture body has x-spread > 0.8 · y-spread; it re-parses every NTU file it wrote.
Numbers are written like the originals: NTU with 7 significant digits (`%.7g`, C#-like `E` exponents), PKU with
`%g` (6 significant digits) except the long video 0004-M (4 decimals). Depth/colour pixel coordinates are a
simple pinhole projection; orientations are the joints' global rotations as quaternions (w x y z), `0 0 0 0`
for the leaf joints (head, feet, hand tips, thumbs) as in real files.

## Trees
```
fixtures/
  ntu60/nturgb+d_skeletons/*.skeleton   {len(ntu60_rows)} NTU60 samples (S001–S010)
  ntu60/missing_skeletons.txt           published form (2 prose lines, a blank line), one name: {MISSING[0]} (its file exists, all frames empty)
  ntu120/nturgb+d_skeletons/*.skeleton  {len(ntu120_rows)} NTU120 samples (setups 18–32)
  pku1/skeleton, pku1/label, pku1/split PKU-MMD phase 1 ({len(pku_names['pku1'])} skeleton files)
  pku2/skeleton, pku2/label, pku2/split PKU-MMD phase 2 ({len(pku_names['pku2'])} skeleton files)
  bad/                                  deliberately broken files, see bad/README.md
```

## Edge cases and where they are
| edge case | file(s) |
|---|---|
| 1 actor, 20 frames, plain | ntu60 S001C001P001R001A001 |
| 2 actors | ntu60 A050 / A058 files, ntu120 A112 files, pku1 0003 |
| clip of 80 frames | ntu60 S002C002P003R001A008 |
| clip of 320 frames (> 300, reference keeps the first 300) | ntu60 S002C003P006R001A008 |
| leading and trailing 0-body frames | ntu60 S002C001P002R002A008 (f0–2, f28–29); ntu120 S027C003P062R002A112 (f0–1) |
| 0-body frame in the middle | ntu60 S003C002P004R001A023 (f13) |
| every frame has 0 bodies (L = 0) and listed as missing | ntu60 S004C003P020R002A027, ntu60/missing_skeletons.txt |
| noisy third body (furniture: static, x-spread ≫ y-spread), sometimes listed before actor 2 | ntu60 S005C003P015R002A050 |
| furniture body with 1 actor, listed FIRST in some frames (reference body 1 = furniture there) | ntu60 S003C001P007R002A023 |
| body order in the file swaps between frames, bodyIDs stay with their person | ntu60 S005C002P010R001A050 (f12–19) |
| a body lost for 2 frames and re-acquired with a new bodyID (1 body in between) | ntu60 S006C002P009R001A058 |
| side view (performer turned ~90°), inferred joints (tracking state 1) | ntu60 S001C003P001R001A001, S005C*, S006C* (2-actor scenes are side-on to camera 2) |
| number in exponent form `4.470348E-08` | ntu60 S001C002P001R001A001 line 5 (forced); tiny quaternion components give more `E-0x` numbers in about half the files |
| 64-bit bodyIDs (2^56 + counter: not exact as Float or Double, keep them as integers) | every NTU file |
| PKU label instance > 300 frames (340: centred 300 = video frames 51–350, 1-based) | pku1 0004-M (`33,31,370,2`) |
| PKU second body absent = 75 zeros, present in part of the video | pku1 0003-L/M/R |
| PKU `.skeleton` / `.label` extensions | pku2 A02N03-L/M/R |
| PKU trailing whitespace at the end of each line | pku2 A01N01-L/M/R |
| split file with a trailing comma and a doubled space | pku1/split/*.txt, pku2/split/*.txt |
| truncated file, non-numeric token, joint count 24, NaN, empty file, negative frame count | bad/ntu (see bad/README.md) |
| PKU line with 149 values, label end < start | bad/pku |

Split coverage: NTU60 has xsub train and test performers on cameras 1, 2 and 3 (xview test = camera 1);
NTU120 has even and odd setups and performers inside and outside the NTU120 xsub training list.
The "missing" sample S004C003P020R002A027 is xsub test / xview train.

## NTU60 (`ntu60/nturgb+d_skeletons/`)
Actions: A001 drink water, A008 sit down, A023 hand waving, A027 jump up, A050 punching/slapping other person
(2 actors), A058 handshaking (2 actors). Label = A − 1.

{table(ntu60_rows, False)}
## NTU120 (`ntu120/nturgb+d_skeletons/`)
Actions: A080 squat down, A095 hands up, A097 arm circles, A099 running on the spot, A102 side kick,
A112 high-five (2 actors), A023 hand waving.

{table(ntu120_rows, True)}
## PKU-MMD phase 1 (`pku1/`), labels 1–51
Motions shown: label 8 drink water, 13 hand waving, 26 punching (2 bodies), 17 jump up, 33 sitting down,
34 standing up. Only view M of video 0004 exists (the long video is expensive; the other views are left out on
purpose). Split files: cross-subject train 0002-*, 0004-M / test 0003-*; cross-view train M and R / test L.

{pku_section('pku1', PKU1, pku_names['pku1'])}
## PKU-MMD phase 2 (`pku2/`), labels 1–41
Label ids are only in range; the motions (hands up, jump, drink, wave) are not claimed to be those classes.
Split files: cross-subject train A01N01-* / test A02N03-*; cross-view train M and R / test L.

{pku_section('pku2', PKU2, pku_names['pku2'])}"""
    with open(f"{ROOT}/README.md", "w") as f:
        f.write(text)


# ----------------------------------------------------------------------------------------- main

def main():
    for sub in ("ntu60", "ntu120", "pku1", "pku2", "bad"):
        shutil.rmtree(f"{ROOT}/{sub}", ignore_errors=True)
    for sub in ("ntu60/nturgb+d_skeletons", "ntu120/nturgb+d_skeletons", "bad/ntu") + tuple(
            f"{p}/{d}" for p in ("pku1", "pku2") for d in ("skeleton", "label", "split")):
        os.makedirs(f"{ROOT}/{sub}")
    rows = {}
    for key, plan in (("ntu60", NTU60), ("ntu120", NTU120)):
        rows[key] = []
        for spec in plan:
            path = f"{ROOT}/{key}/nturgb+d_skeletons/{spec['name']}.skeleton"
            frames, bodies, blob = write_ntu(path, spec)
            check_bodies(spec["name"], bodies if not spec.get("all_empty") else [], blob)
            parsed = reparse_ntu(path)
            assert [len(f) for f in parsed] == [len(f) for f in frames], spec["name"]
            assert [[b[0] for b in f] for f in parsed] == [[b[0] for b in f] for f in frames], spec["name"]
            rows[key].append((spec, frames, os.path.getsize(path)))
    with open(f"{ROOT}/ntu60/missing_skeletons.txt", "w") as f:
        # The published lists open with prose and a blank line; the fixture has the same shape (own words).
        f.write(f"{len(MISSING)} fixture sample in this \"NTU RGB+D\"-style set has no skeleton data.\n"
                "Leave it out of training and testing, as the published lists ask.\n\n")
        f.write("".join(m + "\n" for m in MISSING))
    pku_names = {}
    for phase_dir, videos in (("pku1", PKU1), ("pku2", PKU2)):
        pku_names[phase_dir] = [n for vid, v in videos.items() for n in write_pku(phase_dir, vid, v)]
        write_splits(phase_dir)
    write_bad()
    write_readme(rows["ntu60"], rows["ntu120"], pku_names)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"fixtures written: {total} bytes in files")


if __name__ == "__main__":
    main()
