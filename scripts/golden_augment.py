#!/usr/bin/env python3
"""Golden values for the Augment module, computed independently with NumPy.

Writes Tests/AugmentTests/Golden/random.json and stages.json (format: Tests/AugmentTests/Golden/README.md).
Run from the repository root:  python3 scripts/golden_augment.py
Everything here is written from the spec (shared/spec/augmentations.md) and the Philox paper, not from the Swift
code: a Swift test that agrees with these numbers agrees with an independent implementation.
SkeleAdaIN follows the reference source itself, JHang2020/HiCLR net/skeletonAdaIN.py (lines cited in adain_stats);
checked against that function run with PyTorch on the same inputs (agreement within float32 rounding).
"""
import json
import math
import os

import numpy as np

OUT = os.path.join("Tests", "AugmentTests", "Golden")
M32 = 0xFFFFFFFF

# ---------------------------------------------------------------- Philox4x32-10 (Salmon et al. 2011)

def philox4x32_10(counter, key):
    c = [int(x) & M32 for x in counter]
    k = [int(x) & M32 for x in key]
    for r in range(10):
        if r > 0:
            k = [(k[0] + 0x9E3779B9) & M32, (k[1] + 0xBB67AE85) & M32]
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k[0]) & M32, p1 & M32, ((p0 >> 32) ^ c[3] ^ k[1]) & M32, p0 & M32]
    return c

# Random123's published known-answer vectors (kat_vectors): counter, key -> output.
PUBLISHED_KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([M32] * 4, [M32, M32], [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]
for counter, key, expected in PUBLISHED_KAT:
    assert philox4x32_10(counter, key) == expected, "Philox implementation disagrees with Random123 KAT"

# ---------------------------------------------------------------- streams keyed by (seed, epoch, sample, branch, stage)

class Stream:
    """Word n of a stream = word n % 4 of Philox block n // 4; counter = (block, branch<<16|stage, sample, epoch),
    key = (seed low 32, seed high 32)."""

    def __init__(self, seed, epoch, sample, branch, stage, position=0):
        self.key = [seed & M32, (seed >> 32) & M32]
        self.c1 = ((branch & 0xFFFF) << 16) | (stage & 0xFFFF)
        self.c2 = sample & M32
        self.c3 = epoch & M32
        self.position = position

    def word(self):
        block, index = divmod(self.position, 4)
        self.position += 1
        return philox4x32_10([block & M32, self.c1, self.c2, self.c3], self.key)[index]

    def uniform_float(self):
        return np.float32((self.word() >> 8) * 2.0 ** -24)

    def uniform_double(self):
        a = self.word()
        b = self.word()
        return ((a << 32 | b) >> 11) * 2.0 ** -53

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.uniform_double()

    def integer(self, lo, hi):
        """Uniform in [lo, hi], Lemire's multiply-shift with rejection."""
        s = hi - lo + 1
        m = self.word() * s
        low = m & M32
        if low < s:
            threshold = ((1 << 32) - s) % s
            while low < threshold:
                m = self.word() * s
                low = m & M32
        return lo + (m >> 32)

    def normal_pair(self):
        """Marsaglia's polar method in float32, rejecting s >= 1 and s == 0."""
        while True:
            u = np.float32((self.word() >> 8) * 2.0 ** -23) - np.float32(1)
            v = np.float32((self.word() >> 8) * 2.0 ** -23) - np.float32(1)
            s = np.float32(u * u) + np.float32(v * v)  # float32 products and sum, as the Swift side
            if 0 < s < 1:
                s = float(s)
                f = math.sqrt(-2.0 * math.log(s) / s)
                return float(u) * f, float(v) * f

    def normals(self, count):
        out = []
        while len(out) + 1 < count:
            out.extend(self.normal_pair())
        if len(out) < count:
            out.append(self.normal_pair()[0])
        return out

    def choose(self, k, n):
        work = list(range(n))
        out = []
        for i in range(k):
            j = self.integer(i, n - 1)
            work[i], work[j] = work[j], work[i]
            out.append(work[i])
        return out

# ---------------------------------------------------------------- stages (from the spec), float64 on float32 input

FLIP = [0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20, 23, 24, 21, 22]


def shear(x, s1, s2):
    r = np.array([[1, s1[0], s2[0]], [s1[1], 1, s2[1]], [s1[2], s2[2], 1]], dtype=np.float64)
    return np.einsum("ctvm,dc->dtvm", x.astype(np.float64), r)  # p' = p . R^T  <=>  p'_d = sum_c R[d, c] p_c


def temporal_crop(x, padding, start):
    t = x.shape[1]
    padded = np.concatenate([x[:, :padding][:, ::-1], x, x[:, t - padding:][:, ::-1]], axis=1)
    return padded[:, start:start + t]


def spatial_flip(x):
    return x[:, :, FLIP, :]


def time_flip(x):
    return x[:, ::-1]


def rotation(x, degrees):
    def rx(a):
        c, s = math.cos(a), math.sin(a)
        return np.array([[1, 0, 0], [0, c, s], [0, -s, c]])

    def ry(a):
        c, s = math.cos(a), math.sin(a)
        return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])

    def rz(a):
        c, s = math.cos(a), math.sin(a)
        return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])

    p = np.transpose(x.astype(np.float64), (1, 2, 3, 0))  # T, V, M, C row vectors
    for rot, deg in zip((rx, ry, rz), degrees):
        p = p @ rot(math.radians(deg)).T
    return np.transpose(p, (3, 0, 1, 2))


def blur(x, sigma, kernel, normalize):
    radius = kernel // 2
    w = np.exp(-((np.arange(kernel) - radius) ** 2) / (2.0 * sigma ** 2))
    if normalize:
        w = w / w.sum()
    t = x.shape[1]
    padded = np.concatenate([np.zeros((3, radius, 25, 2)), x.astype(np.float64), np.zeros((3, radius, 25, 2))], axis=1)
    out = np.zeros((3, t, 25, 2))
    for i in range(kernel):
        out += w[i] * padded[:, i:i + t]
    return out


def channel_mask(x, axis):
    y = x.astype(np.float64).copy()
    y[axis] = 0
    return y


def joint_mask(x, joints_per_frame, joints, fill):
    y = x.astype(np.float64).copy()
    for t in range(x.shape[1]):
        for v in joints[t * joints_per_frame:(t + 1) * joints_per_frame]:
            y[:, t, v, :] = fill
    return y


def adain_stats(x, per_body, eps):
    """Mean and std of a (C, T, V, M) clip for SkeleAdaIN, as JHang2020/HiCLR net/skeletonAdaIN.py computes them.

    Per body (the reference): AdaIN permutes (N, C, T, V, M) to (N, M, C, T, V) and reshapes to (N*M, C, T, V)
    (skeletonAdaIN.py:28-32), then calc_mean_std views each (body, channel) as one row of T*V values and takes
    `var(dim=2) + eps`, its square root, and the mean (skeletonAdaIN.py:11-14; torch's var is unbiased, n - 1).
    Groups are returned in the order c*M + m. Pooled (per_body False, our explicit option, not in the reference):
    one group per channel over (T, V, M)."""
    x = x.astype(np.float64)
    if per_body:
        c_, t_, v_, m_ = x.shape
        rows = np.transpose(x[None], (0, 4, 1, 2, 3)).reshape(m_, c_, t_ * v_)  # (N*M, C, T*V) with N = 1
        groups = [rows[m, c] for c in range(c_) for m in range(m_)]
    else:
        groups = [x[c].ravel() for c in range(3)]
    mean = [float(g.mean()) for g in groups]
    std = [float(math.sqrt(g.var(ddof=1) + eps)) for g in groups]
    return mean, std


def adain(a, b, per_body, eps):
    """(a - mean_a) / std_a * std_b + mean_b per group (skeletonAdaIN.py:42-44), back in (C, T, V, M) order."""
    mean_a, std_a = adain_stats(a, per_body, eps)
    mean_b, std_b = adain_stats(b, per_body, eps)
    y = a.astype(np.float64).copy()
    for c in range(3):
        if per_body:
            for m in range(2):
                g = c * 2 + m
                y[c, :, :, m] = (y[c, :, :, m] - mean_a[g]) / std_a[g] * std_b[g] + mean_b[g]
        else:
            y[c] = (y[c] - mean_a[c]) / std_a[c] * std_b[c] + mean_b[c]
    return y, mean_b, std_b


def noise(x, key, position, mean, std):
    s = Stream(key["seed"], key["epoch"], key["sample"], key["branch"], key["stage"], position)
    z = np.array(s.normals(x.size)).reshape(x.shape)
    return x.astype(np.float64) + (mean + std * z)

# ---------------------------------------------------------------- inputs and cases


def make_clip(frames, phase, empty_from=None):
    c, t, v, m = np.meshgrid(np.arange(3), np.arange(frames), np.arange(25), np.arange(2), indexing="ij")
    x = np.sin(1.3 * c + 0.37 * t + 0.11 * v * (v % 3 + 1) + 0.9 * m + phase) * (1 + 0.1 * v / 25) + 0.2 * c
    if empty_from is not None:
        x[:, empty_from:, :, 1] = 0
    return x.astype(np.float32)


def floats(a):
    """float32 values, written with the shortest decimal that reads back as the same float32."""
    return [float(repr(np.float32(v)).replace("np.float32(", "").rstrip(")"))
            for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    os.makedirs(OUT, exist_ok=True)
    seed = 0x123456789ABC
    key = dict(seed=seed, epoch=3, sample=17, branch=2, stage=5)

    def stream():
        return Stream(seed, 3, 17, 2, 5)

    s = stream(); words = [s.word() for _ in range(20)]
    s = stream(); uniform_floats = [float(s.uniform_float()) for _ in range(8)]
    s = stream(); doubles = [s.uniform_double() for _ in range(8)]
    s = stream(); ints = [s.integer(-3, 9) for _ in range(16)]
    s = stream(); normals = s.normals(9)
    s = stream(); choose = s.choose(5, 25)
    extra_kat = []
    for counter, k in [([1, 2, 3, 4], [5, 6]), ([0, 0x00020005, 17, 3], [seed & M32, seed >> 32])]:
        extra_kat.append(dict(counter=counter, key=k, expected=philox4x32_10(counter, k)))
    random_golden = dict(
        kat=[dict(counter=c, key=k, expected=e) for c, k, e in PUBLISHED_KAT] + extra_kat,
        key=key, words=words, floats=uniform_floats, doubles=doubles,
        ints=dict(lower=-3, upper=9, values=ints), normals=normals, choose=dict(k=5, n=25, values=choose),
    )
    with open(os.path.join(OUT, "random.json"), "w") as f:
        json.dump(random_golden, f, indent=1)

    frames = 10
    a = make_clip(frames, 0.0, empty_from=7)
    b = make_clip(frames, 1.7) * np.float32(2.5) + np.float32(0.3)
    cases = []

    def case(name, stage, parameters, expected, **extra):
        cases.append(dict(name=name, stage=stage, parameters=parameters, expected=floats(expected), **extra))

    case("shear", {"stage": "shear", "r": 0.5}, {"s1": [0.1, -0.2, 0.3], "s2": [-0.4, 0.25, -0.05]},
         shear(a, [0.1, -0.2, 0.3], [-0.4, 0.25, -0.05]))
    for start in (0, 1, 3, 6):
        case(f"temporal_crop_start{start}", {"stage": "temporal_crop", "padding_ratio": 3},
             {"padding": 3, "start": start}, temporal_crop(a, 3, start))
    case("spatial_flip", {"stage": "spatial_flip"}, {}, spatial_flip(a))
    case("time_flip", {"stage": "time_flip"}, {}, time_flip(a))
    case("rotation", {"stage": "rotation"}, {"mainAxis": 0, "degrees": [12.0, 0.5, 0.7]}, rotation(a, [12.0, 0.5, 0.7]))
    case("rotation_z", {"stage": "rotation"}, {"mainAxis": 2, "degrees": [0.3, 0.9, 27.0]}, rotation(a, [0.3, 0.9, 27.0]))
    for sigma, normalize in ((1.3, True), (1.3, False), (0.1, True), (2.0, False)):
        case(f"gaussian_blur_sigma{sigma}_{'norm' if normalize else 'raw'}",
             {"stage": "gaussian_blur", "kernel": 15, "normalize": normalize}, {"sigma": sigma},
             blur(a, sigma, 15, normalize))
    case("gaussian_blur_kernel5", {"stage": "gaussian_blur", "kernel": 5}, {"sigma": 0.8}, blur(a, 0.8, 5, True))
    case("channel_mask_y", {"stage": "channel_mask"}, {"axis": 1}, channel_mask(a, 1))
    joints = Stream(seed, 0, 1, 3, 4).choose(25, 25) * 2  # any fixed list of valid joints
    joints = [int(j) for j in joints[:frames * 2]]
    case("joint_mask", {"stage": "joint_mask", "ratio": 0.1}, {"jointsPerFrame": 2, "joints": joints},
         joint_mask(a, 2, joints, 0.0))
    case("joint_mask_fill", {"stage": "joint_mask", "ratio": 0.1, "fill": 0.5}, {"jointsPerFrame": 2, "joints": joints},
         joint_mask(a, 2, joints, 0.5))
    noise_key = dict(seed=seed, epoch=1, sample=4, branch=2, stage=3)
    case("gaussian_noise", {"stage": "gaussian_noise", "std": 0.01},
         {"noise": {"key": noise_key, "position": 2}}, noise(a, noise_key, 2, 0.0, 0.01))
    case("gaussian_noise_mean", {"stage": "gaussian_noise", "std": 0.5, "mean": 0.1},
         {"noise": {"key": noise_key, "position": 7}}, noise(a, noise_key, 7, 0.1, 0.5))
    # The stage's default is the reference's per-body statistics; the pooled variant must be asked for.
    for name, stage, per_body in (("skele_adain_default", {"stage": "skele_adain"}, True),
                                  ("skele_adain_per_body", {"stage": "skele_adain", "per_body": True}, True),
                                  ("skele_adain_tvm", {"stage": "skele_adain", "per_body": False}, False)):
        y, mean_b, std_b = adain(a, b, per_body, 1e-5)
        case(name, stage, {"partner": 7, "styleMean": mean_b, "styleStd": std_b}, y, partner="b")

    stages_golden = dict(frames=frames, inputs=dict(a=floats(a), b=floats(b)), cases=cases)
    with open(os.path.join(OUT, "stages.json"), "w") as f:
        json.dump(stages_golden, f)
    print(f"wrote {len(random_golden['kat'])} Philox vectors and {len(cases)} stage cases to {OUT}")


if __name__ == "__main__":
    main()
