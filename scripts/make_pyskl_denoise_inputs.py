#!/usr/bin/env python3
"""Small NTU-format .skeleton files that exercise every branch of the clean mode's body choice (PYSKL's
tools/data/ntu_preproc.py, docs/preprocessing.md "Clean mode"), beyond what the shipped fixtures contain.
Writes Tests/PreprocessTests/Golden/pyskl_inputs/*.skeleton (deterministic; do not edit by hand) and
pyskl_inputs/cases.json (file name -> case description). Goldens come from scripts/golden_pyskl_denoise.py.

Run from the repository root:  python3 scripts/make_pyskl_denoise_inputs.py
The shipped fixtures (fixtures/) are not touched: other tests hash them.
"""
import json
import math
import os

OUT = "Tests/PreprocessTests/Golden/pyskl_inputs"


def person(t, amp, dx=0.0, phase=0.0, seed=0):
    """A standing body (x spread ~0.4 m, y spread ~1.7 m) swaying by `amp` metres, as 25 (x, y, z) joints."""
    sway = amp * math.sin(0.35 * t + phase)
    bob = 0.3 * amp * math.cos(0.5 * t + phase)
    joints = []
    for v in range(25):
        jitter = ((v * 37 + seed * 11 + t * 7) % 13 - 6) * 1e-4
        x = dx + 0.4 * (((v * 7) % 11) / 10.0 - 0.5) + sway + jitter
        y = -0.85 + 1.7 * v / 24.0 + bob
        z = 3.0 + 0.05 * ((v * 3) % 5) / 4.0 + 0.5 * sway
        joints.append((x, y, z))
    return joints


def wide(t, dx=0.0):
    """A noisy frame: x spread 2 m, y spread 0.2 m (x > 0.8 y: not a valid frame)."""
    return [(dx - 1.0 + 2.0 * v / 24.0 + 0.01 * math.sin(t), 0.2 * ((v % 3) / 2.0) + 0.4 * math.cos(0.9 * t), 3.5)
            for v in range(25)]


def zeros():
    return [(0.0, 0.0, 0.0)] * 25


def dyadic(k, sign):
    """Exactly representable joints (multiples of 1/8, small) for exact motion ties: frame pair k, sign ±1."""
    return [(sign * (((v + k) % 3) - 1) / 8.0, sign * ((v % 9) - 4 + k) / 8.0, sign * (1 + (v % 2)) / 8.0)
            for v in range(25)]


def fmt(x):
    s = "%.7g" % x
    return "0" if s in ("0", "-0") else s


def write(name, frames):
    """frames: list of frames, each a list of (bodyID, joints). NTU layout: frame count; per frame the body
    count; per body a 10-value body line (bodyID first), the joint count 25 and 25 lines of 12 values."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, joints in bodies:
            lines.append("%d 0 0 0 0 0 0 0 0 2" % (72057594037927936 + body_id))
            lines.append("25")
            for x, y, z in joints:
                lines.append("%s %s %s 0 0 0 0 0 0 0 0 2" % (fmt(x), fmt(y), fmt(z)))
    with open(os.path.join(OUT, name + ".skeleton"), "w") as f:
        f.write("\r\n".join(lines) + "\r\n")


def frames_of(total, spans):
    """spans: list of (id, first, last_exclusive, joints(t)) -> frames with the bodies listed in span order."""
    return [[(i, j(t)) for i, a, b, j in spans if a <= t < b] for t in range(total)]


CASES = {}


def case(name, what, frames):
    CASES[name] = what
    write(name, frames)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Names are NTU names (label = A - 1) so the converter can take the folder too.
    f = [[] for _ in range(2)] + [[(1, person(t, 0.05))] for t in range(4)] + [[]] + \
        [[(1, person(t, 0.05))] for t in range(4, 8)] + [[], []]
    case("S017C001P001R001A001", "one body, 8 frames (short: kept, the one-body path skips every test), "
         "0-body frames before, inside and after (skipped)", f)

    case("S017C001P001R001A002", "a 30-frame body and an 11-frame body (<= 11: removed) -> one body left",
         frames_of(30, [(1, 0, 30, lambda t: person(t, 0.05)), (2, 5, 16, lambda t: person(t, 0.2, dx=0.7))]))

    case("S017C001P001R001A003", "30-, 12- and 11-frame bodies: the 12-frame one is kept (> 11), the 11-frame one "
         "removed; the 12-frame body overlaps slot 1's -> slot 2",
         frames_of(30, [(1, 0, 30, lambda t: person(t, 0.08)), (2, 3, 15, lambda t: person(t, 0.03, dx=0.7, seed=2)),
                        (3, 14, 25, lambda t: person(t, 0.3, dx=-0.7, seed=3))]))

    case("S017C001P001R001A004", "a person and a spread-noisy body (every frame x-spread > 0.8 y-spread): removed "
         "-> one body left",
         frames_of(25, [(5, 0, 25, lambda t: wide(t)), (6, 0, 25, lambda t: person(t, 0.04, seed=6))]))

    # 33 frames: 23 noisy = 0.69697 < 0.69754 (kept, motion lowered to its valid frames'), 24 noisy = 0.72727
    # (removed). The kept one moves most over all frames but least over its valid frames, so it goes to slot 2.
    def partly(noisy):
        return lambda t: wide(t, dx=0.3) if t < noisy else person(t, 0.01, dx=0.3, seed=7)
    case("S017C001P001R001A005", "spread ratio at the threshold: 23/33 noisy frames (kept, motion lowered, which "
         "moves it behind a calmer body) and 24/33 (removed)",
         frames_of(33, [(7, 0, 33, partly(23)), (8, 0, 33, partly(24)), (9, 0, 33, lambda t: person(t, 0.1, dx=-0.5, seed=9))]))

    # Packing: motions A > B > C > D > E by sway amplitude.
    case("S017C001P001R001A006", "five bodies: A [0,30) slot 1; B [10,40) overlaps -> slot 2; C [40,60) after A's "
         "span -> slot 1; D [45,60) after slot 2's span -> slot 2; E [20,36) overlaps both -> dropped",
         frames_of(60, [(11, 0, 30, lambda t: person(t, 0.5, seed=11)), (12, 10, 40, lambda t: person(t, 0.4, dx=0.8, seed=12)),
                        (13, 40, 60, lambda t: person(t, 0.3, dx=-0.3, seed=13)), (14, 45, 60, lambda t: person(t, 0.2, dx=0.6, seed=14)),
                        (15, 20, 36, lambda t: person(t, 0.1, dx=-0.9, seed=15))]))

    case("S017C001P001R001A007", "slot 2's span always starts at frame 0: B [20,40) in slot 2, then C [0,14) overlaps "
         "that span and is dropped although slot 2 is empty there; D [45,60) -> slot 2",
         frames_of(60, [(21, 0, 60, lambda t: person(t, 0.5, seed=21)), (22, 20, 40, lambda t: person(t, 0.4, dx=0.8, seed=22)),
                        (23, 0, 14, lambda t: person(t, 0.3, dx=-0.8, seed=23)), (24, 45, 60, lambda t: person(t, 0.2, dx=0.6, seed=24))]))

    # Leading/trailing empty frames: a short ghost in frames 0-4 (removed) starts the frame index; A's last three
    # frames are all zero; two 0-body frames in the middle do not advance the index.
    def a_body(t):
        return zeros() if t >= 37 else person(t, 0.3, seed=31)
    f = frames_of(40, [(30, 0, 5, lambda t: person(t, 0.9, dx=1.5, seed=30)), (31, 5, 40, a_body),
                       (32, 5, 30, lambda t: person(t, 0.1, dx=0.7, seed=32))])
    f = f[:20] + [[], []] + f[20:]
    case("S017C001P001R001A008", "leading and trailing empty frames trimmed (a removed 5-frame ghost before, a body "
         "whose last 3 frames are zero), 0-body frames in the middle", f)

    case("S017C001P001R001A009", "the final swap: slot 1's body starts at frame 8, slot 2's at frame 0, so slot 1 is "
         "empty in frame 0 and the slots swap",
         frames_of(40, [(41, 8, 40, lambda t: person(t, 0.5, seed=41)), (42, 0, 30, lambda t: person(t, 0.1, dx=0.8, seed=42))]))

    # Exact ties: both bodies hold the same joints (pairs S, -S: column sums exactly 0) in different frame orders,
    # so their float32 motions are equal; body 300 appears first (listed first in frame 0).
    def tie(order):
        seq = [dyadic(k, s) for k in order for s in (1, -1)]
        return lambda t: seq[t]
    case("S017C001P001R001A010", "two bodies with exactly equal motion (stable sort: the first seen takes slot 1) "
         "plus a calmer third body overlapping both (dropped)",
         frames_of(16, [(300, 0, 16, tie(range(8))), (100, 0, 16, tie(reversed(range(8)))),
                        (200, 2, 16, lambda t: [(x * 0.01, y * 0.01, z * 0.01) for x, y, z in dyadic(t, 1)])]))

    f = frames_of(30, [(51, 0, 30, lambda t: person(t, 0.4, seed=51)), (52, 0, 30, lambda t: person(t, 0.1, dx=0.8, seed=52))])
    for t in range(10, 20):
        f[t] = [b for b in f[t] if b[0] != 52]
    case("S017C001P001R001A011", "a body that leaves (frames 10-19) and comes back under the same ID: its 20 frames "
         "are stored one after another from its start (as PYSKL stores them), next to a 30-frame body", f)

    case("S017C001P001R001A012", "every frame lists 0 bodies: PYSKL returns None (rejected: no_body)", [[] for _ in range(5)])
    case("S017C001P001R001A013", "two bodies of 10 frames each: both removed as short, PYSKL's assertion fails "
         "(rejected: no_body_after_cleaning)",
         frames_of(10, [(61, 0, 10, lambda t: person(t, 0.1)), (62, 0, 10, lambda t: person(t, 0.2, dx=0.7))]))
    case("S017C001P001R001A014", "two spread-noisy bodies: both removed, PYSKL's assertion fails "
         "(rejected: no_body_after_cleaning)",
         frames_of(20, [(71, 0, 20, lambda t: wide(t)), (72, 0, 20, lambda t: wide(t, dx=0.5))]))
    case("S017C001P001R001A015", "two bodies whose joints are all zero: PYSKL's non_zero runs off the end "
         "(rejected: all_zero_keypoints)",
         frames_of(15, [(81, 0, 15, lambda t: zeros()), (82, 0, 15, lambda t: zeros())]))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
