"""Synthetic Kinect v2 bodies for the test fixtures: a 25-joint skeleton built by forward kinematics
on the bone tree with fixed per-performer bone lengths, and one pose function per action class.

Used only by scripts/make_fixtures.py. Coordinates: metres, y up; in a person's own frame the person
faces -z and their right hand is at +x (this is also Kinect camera space for a person facing the camera).
Joint indices are 0-based in the NTU / Kinect v2 order (joint 21 "spine" is index 20).
"""
from dataclasses import dataclass, field
import numpy as np

# Spec bone parents (0-based), docs/preprocessing.md "Streams": child v -> parent.
SPEC_PARENTS = [1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 20, 22, 7, 24, 11]

# Physical forward-kinematics tree: child -> (parent, rest direction, base length in metres for a
# ~1.75 m person). Hand tips and thumbs hang off the hand so that the hand is one rigid piece (this keeps
# the spec's 22->23 and 24->25 "bones" rigid as well).
FK_TREE = {
    1: (0, (0, 1, 0), 0.27),            # middle of spine
    20: (1, (0, 1, 0.03), 0.22),        # spine (shoulder centre)
    2: (20, (0, 1, 0), 0.07),           # neck
    3: (2, (0, 1, -0.05), 0.13),        # head
    4: (20, (-1, -0.18, 0.05), 0.17),   # left shoulder
    5: (4, (0, -1, 0), 0.27),           # left elbow
    6: (5, (0, -1, 0), 0.245),          # left wrist
    7: (6, (0, -1, 0), 0.075),          # left hand
    21: (7, (0, -1, 0), 0.065),         # tip of left hand
    22: (7, (0.3, -0.5, -0.8), 0.05),   # left thumb (points forward, palm inwards)
    8: (20, (1, -0.18, 0.05), 0.17),    # right shoulder
    9: (8, (0, -1, 0), 0.27),
    10: (9, (0, -1, 0), 0.245),
    11: (10, (0, -1, 0), 0.075),
    23: (11, (0, -1, 0), 0.065),
    24: (11, (-0.3, -0.5, -0.8), 0.05),
    12: (0, (-1, -0.6, 0), 0.085),      # left hip
    13: (12, (0, -1, 0), 0.42),         # left knee
    14: (13, (0, -1, 0), 0.40),         # left ankle
    15: (14, (0, -0.35, -1), 0.13),     # left foot
    16: (0, (1, -0.6, 0), 0.085),
    17: (16, (0, -1, 0), 0.42),
    18: (17, (0, -1, 0), 0.40),
    19: (18, (0, -0.35, -1), 0.13),
}
# Parents before children.
FK_ORDER = [1, 20, 2, 3, 4, 5, 6, 7, 21, 22, 8, 9, 10, 11, 23, 24, 12, 13, 14, 15, 16, 17, 18, 19]
LEAF_JOINTS = {3, 15, 19, 21, 22, 23, 24}   # Kinect writes orientation 0 0 0 0 for these
ANKLE_HEIGHT = 0.08


def rx(deg):
    a = np.radians(deg); c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(deg):
    a = np.radians(deg); c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(deg):
    a = np.radians(deg); c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def smoothstep(u, a, b):
    x = np.clip((u - a) / (b - a), 0.0, 1.0)
    return x * x * (3 - 2 * x)


def bump(u, a, m, b):
    """0 before a, smooth rise to 1 at m, smooth fall to 0 at b."""
    return smoothstep(u, a, m) * (1 - smoothstep(u, m, b))


def plateau(u, a, b, ramp=0.15):
    return smoothstep(u, a, a + ramp) * (1 - smoothstep(u, b - ramp, b))


@dataclass
class Performer:
    """Fixed bone lengths of one performer (seeded by performer id)."""
    pid: int
    lengths: dict = field(default_factory=dict)

    @staticmethod
    def make(pid, seed):
        rng = np.random.default_rng([seed, 7919, pid])
        scale = rng.uniform(0.88, 1.07)
        lengths = {c: base * scale * rng.uniform(0.96, 1.04) for c, (_, _, base) in FK_TREE.items()}
        # symmetric limbs: copy left to right so the body is not lopsided
        for l, r in [(4, 8), (5, 9), (6, 10), (7, 11), (21, 23), (22, 24), (12, 16), (13, 17), (14, 18), (15, 19)]:
            lengths[r] = lengths[l]
        return Performer(pid, lengths)


@dataclass
class Pose:
    """Joint angles in degrees. Arms: shoulder (flex forward, abduct sideways, twist), elbow (flex, roll);
    legs: hip (flex, abduct), knee flex. Trunk: lean forward, side lean, yaw (twist of the whole body)."""
    lean: float = 0.0
    side: float = 0.0
    yaw: float = 0.0
    bend: float = 0.0
    neck: float = 0.0
    l_sh: tuple = (0.0, 8.0, 0.0)
    r_sh: tuple = (0.0, 8.0, 0.0)
    l_el: tuple = (12.0, 0.0)
    r_el: tuple = (12.0, 0.0)
    l_hip: tuple = (0.0, 3.0)
    r_hip: tuple = (0.0, 3.0)
    l_kn: float = 3.0
    r_kn: float = 3.0
    air: float = 0.0              # extra height above the floor (jumps)
    shift: tuple = (0.0, 0.0)     # extra (x, z) displacement in the person's frame
    lock: str = "both"            # horizontal anchor: both ankles, left, right, or the root itself


def local_rotations(p: Pose):
    R = {j: np.eye(3) for j in range(25)}
    R[0] = ry(p.yaw) @ rz(p.side) @ rx(-p.lean)
    R[1] = rx(-p.bend)
    R[2] = rx(-p.neck)
    R[4] = rz(-p.l_sh[1]) @ rx(p.l_sh[0]) @ ry(p.l_sh[2])
    R[8] = rz(p.r_sh[1]) @ rx(p.r_sh[0]) @ ry(-p.r_sh[2])
    R[5] = rz(-p.l_el[1]) @ rx(p.l_el[0])
    R[9] = rz(p.r_el[1]) @ rx(p.r_el[0])
    # hips undo the trunk rotation so that leg angles are relative to the upright body
    trunk_inv = (rz(p.side) @ rx(-p.lean)).T
    R[12] = trunk_inv @ rz(-p.l_hip[1]) @ rx(p.l_hip[0])
    R[16] = trunk_inv @ rz(p.r_hip[1]) @ rx(p.r_hip[0])
    R[13] = rx(-p.l_kn)
    R[17] = rx(-p.r_kn)
    R[14] = rx(p.l_kn * 0.3)
    R[18] = rx(p.r_kn * 0.3)
    return R


def forward_kinematics(perf: Performer, pose: Pose):
    """Joint positions (25, 3) relative to the root and global rotations (25, 3, 3) in the person frame."""
    R = local_rotations(pose)
    G = np.zeros((25, 3, 3)); X = np.zeros((25, 3))
    G[0] = R[0]
    for c in FK_ORDER:
        par, d, _ = FK_TREE[c]
        d = np.asarray(d, float); d /= np.linalg.norm(d)
        X[c] = X[par] + G[par] @ (d * perf.lengths[c])
        G[c] = G[par] @ R[c]
    return X, G


def place(perf, poses, facing_deg, origin):
    """Positions (T, 25, 3) and rotations (T, 25, 3, 3) in scene coordinates (floor y = 0) of one person
    facing `facing_deg` (yaw about +y; 0 faces -z) whose anchor stands at `origin` (x, z)."""
    T = len(poses)
    Y = ry(facing_deg)
    X = np.zeros((T, 25, 3)); G = np.zeros((T, 25, 3, 3))
    for t, p in enumerate(poses):
        x, g = forward_kinematics(perf, p)
        x = x @ Y.T; g = Y @ g
        # keep the anchor fixed on the floor: support ankle(s) horizontally, lowest ankle vertically
        anchor = {"both": (x[14] + x[18]) / 2, "left": x[14], "right": x[18], "root": x[0]}[p.lock]
        offset = np.array([-anchor[0], ANKLE_HEIGHT - min(x[14, 1], x[18, 1]) + p.air, -anchor[2]])
        shift = Y @ np.array([p.shift[0], 0.0, p.shift[1]])
        X[t] = x + offset + np.array([origin[0], 0.0, origin[1]]) + shift
        G[t] = g
    return X, G


def bone_lengths(X):
    """(T, 25) lengths of the spec's bones (joint 21's bone is 0)."""
    return np.linalg.norm(X - X[:, SPEC_PARENTS, :], axis=-1)


def quaternion(m):
    """Unit quaternion (w, x, y, z) with w >= 0 of a rotation matrix."""
    w = np.sqrt(max(0.0, 1 + m[0, 0] + m[1, 1] + m[2, 2])) / 2
    x = np.sqrt(max(0.0, 1 + m[0, 0] - m[1, 1] - m[2, 2])) / 2
    y = np.sqrt(max(0.0, 1 - m[0, 0] + m[1, 1] - m[2, 2])) / 2
    z = np.sqrt(max(0.0, 1 - m[0, 0] - m[1, 1] + m[2, 2])) / 2
    x = np.copysign(x, m[2, 1] - m[1, 2]); y = np.copysign(y, m[0, 2] - m[2, 0]); z = np.copysign(z, m[1, 0] - m[0, 1])
    q = np.array([w, x, y, z]); return q / np.linalg.norm(q)


# ---------------------------------------------------------------- actions: u in [0, 1], t in seconds

def idle(u, t, k):
    return Pose(lean=2 * np.sin(0.6 * t + k), l_sh=(3 * np.sin(0.5 * t), 8, 0), r_sh=(3 * np.sin(0.5 * t + 1), 8, 0))


def drink(u, t, k):
    e = plateau(u, 0.1, 0.9, 0.25)
    sip = e * (1 - 0.15 * np.cos(2 * np.pi * 1.2 * t))
    return Pose(lean=3 * e, neck=-12 * bump(u, 0.35, 0.55, 0.7), r_sh=(40 * e, 8 + 14 * e, 10 * e),
                r_el=(12 + 118 * sip, 8 * e), l_sh=(4 * e, 8, 0))


def sit_down(u, t, k, down=None):
    p = smoothstep(u, 0.12, 0.75) if down is None else down
    return Pose(lean=28 * np.sin(np.pi * min(p, 1.0)) + 6 * p, l_hip=(88 * p, 6), r_hip=(88 * p, 6),
                l_kn=3 + 84 * p, r_kn=3 + 84 * p, l_sh=(20 * np.sin(np.pi * p), 10, 0),
                r_sh=(20 * np.sin(np.pi * p), 10, 0), l_el=(12 + 40 * p, 0), r_el=(12 + 40 * p, 0))


def stand_up(u, t, k):
    return sit_down(u, t, k, down=1 - smoothstep(u, 0.15, 0.8))


def wave(u, t, k):
    e = plateau(u, 0.08, 0.92, 0.2)
    return Pose(r_sh=(12 * e, 8 + 72 * e, 0), r_el=(12 * (1 - e), (95 + 25 * np.sin(2 * np.pi * 2.0 * t + k)) * e),
                neck=3 * e)


def jump(u, t, k):
    crouch = bump(u, 0.08, 0.3, 0.4) + bump(u, 0.6, 0.7, 0.9)
    up = bump(u, 0.34, 0.5, 0.66)
    air = 0.3 * np.clip(np.sin(np.pi * (u - 0.4) / 0.2), 0, None) if 0.4 < u < 0.6 else 0.0
    return Pose(lean=20 * crouch, l_hip=(45 * crouch, 4), r_hip=(45 * crouch, 4), l_kn=3 + 60 * crouch,
                r_kn=3 + 60 * crouch, l_sh=(-25 * crouch + 110 * up, 10, 0), r_sh=(-25 * crouch + 110 * up, 10, 0),
                l_el=(12 + 20 * up, 0), r_el=(12 + 20 * up, 0), air=air)


def punch(u, t, k):
    g = plateau(u, 0.05, 0.95, 0.15)
    p = bump(u, 0.3, 0.42, 0.6)
    return Pose(lean=6 * g + 8 * p, yaw=-18 * p, l_sh=(35 * g, 12, 0), l_el=(12 + 100 * g, 0),
                r_sh=(35 * g + 50 * p, 10, 0), r_el=(12 + 100 * g * (1 - p), 0), l_hip=(12 * g, 6), r_hip=(-5 * g, 6))


def punched(u, t, k):
    h = bump(u, 0.4, 0.52, 0.85)
    return Pose(lean=-14 * h, l_sh=(40 * h, 15, 0), r_sh=(40 * h, 15, 0), l_el=(12 + 90 * h, 0), r_el=(12 + 90 * h, 0),
                shift=(0.0, 0.12 * smoothstep(u, 0.42, 0.6)))


def kick(u, t, k):
    p = bump(u, 0.25, 0.45, 0.7)
    return Pose(lean=-10 * p, r_hip=(75 * p, 4), r_kn=3 + 60 * bump(u, 0.2, 0.32, 0.45), l_sh=(20 * p, 25 * p, 0),
                r_sh=(-15 * p, 20 * p, 0), lock="left")


def handshake(u, t, k):
    e = plateau(u, 0.1, 0.9, 0.25)
    shake = 6 * np.sin(2 * np.pi * 2.5 * t) * plateau(u, 0.3, 0.75, 0.1)
    return Pose(lean=8 * e, r_sh=(50 * e + shake, 8 - 12 * e, 0), r_el=(12 + 30 * e, 0))


def squat(u, t, k):
    p = bump(u, 0.1, 0.5, 0.9)
    return Pose(lean=35 * p, l_hip=(110 * p, 12), r_hip=(110 * p, 12), l_kn=3 + 120 * p, r_kn=3 + 120 * p,
                l_sh=(60 * p, 10, 0), r_sh=(60 * p, 10, 0))


def hands_up(u, t, k):
    e = plateau(u, 0.1, 0.9, 0.3)
    return Pose(l_sh=(165 * e, 8 + 5 * e, 0), r_sh=(165 * e, 8 + 5 * e, 0), l_el=(12 - 6 * e, 0), r_el=(12 - 6 * e, 0),
                neck=-6 * e)


def arm_circles(u, t, k):
    e = plateau(u, 0.08, 0.92, 0.2)
    w = 2 * np.pi * 1.4 * t
    return Pose(l_sh=(18 * np.sin(w) * e, 8 + (45 + 15 * np.cos(w)) * e, 0),
                r_sh=(18 * np.sin(w) * e, 8 + (45 + 15 * np.cos(w)) * e, 0), l_el=(12 - 8 * e, 0), r_el=(12 - 8 * e, 0))


def run_on_spot(u, t, k):
    e = plateau(u, 0.05, 0.95, 0.1)
    w = 2 * np.pi * 2.6 * t
    a, b = max(0.0, np.sin(w)), max(0.0, -np.sin(w))
    return Pose(lean=6 * e, l_hip=(55 * a * e, 4), r_hip=(55 * b * e, 4), l_kn=3 + 85 * a * e, r_kn=3 + 85 * b * e,
                l_sh=(-35 * np.sin(w) * e, 10, 0), r_sh=(35 * np.sin(w) * e, 10, 0), l_el=(12 + 75 * e, 0),
                r_el=(12 + 75 * e, 0), air=0.04 * abs(np.cos(w)) * e, lock="root")


def side_kick(u, t, k):
    p = bump(u, 0.25, 0.45, 0.7)
    return Pose(side=-10 * p, r_hip=(10 * p, 3 + 45 * p), r_kn=3 + 40 * bump(u, 0.2, 0.3, 0.42),
                l_sh=(10 * p, 8 + 15 * p, 0), r_sh=(10 * p, 8 + 10 * p, 0), lock="left")


def high_five(u, t, k):
    p = bump(u, 0.15, 0.5, 0.85)
    return Pose(lean=6 * p, r_sh=(140 * p, 8 + 8 * p, 0), r_el=(12 + 25 * p, 0))


ACTIONS = {
    "idle": idle, "drink": drink, "sit_down": sit_down, "stand_up": stand_up, "wave": wave, "jump": jump,
    "punch": punch, "punched": punched, "kick": kick, "handshake": handshake, "squat": squat,
    "hands_up": hands_up, "arm_circles": arm_circles, "run_on_spot": run_on_spot, "side_kick": side_kick,
    "high_five": high_five,
}


def seated(u, t, k):
    return sit_down(u, t, k, down=1.0)


ACTIONS["seated"] = seated
