#!/usr/bin/env python3
"""Golden values for the Tensor module's operations, computed independently with NumPy.

Run once from the repository root:  python3 scripts/golden_tensor.py
Writes one JSON file per case into Tests/TensorTests/Golden/ (format: see the README there).
Everything is computed in float64 from float32 inputs with plain NumPy (einsum / loops) in
PyTorch's own layouts (N, C, T, V); feature maps are transposed to the engine's time-major
layout [T, C, B, V] only when stored.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorTests", "Golden")


def f32(a):
    return np.asarray(a, dtype=np.float32)


def tensor(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(np.float32(v)) for v in a.reshape(-1)]}


def write(name, description, scalars, tensors):
    os.makedirs(OUT, exist_ok=True)
    body = {"description": description, "scalars": scalars,
            "tensors": {k: tensor(v) for k, v in tensors.items()}}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(body, f, indent=None, separators=(",", ":"))
        f.write("\n")


def to_tcbv(x_nctv):
    """(B, C, T, V) -> (T, C, B, V)."""
    return np.transpose(x_nctv, (2, 1, 0, 3))


# --- the counter-based generator: Philox4x32-10 keyed by (seed, epoch, sample, branch, stage) ----------
# Written from docs/determinism.md and the Philox paper (Salmon et al., SC 2011), not from the Swift code.

# The one Python Philox of the golden scripts (scripts/golden_augment.py); this script runs from scripts/'s folder.
from golden_augment import M32, philox4x32_10  # noqa: E402

ENGINE_BRANCH = 0xFFFE
DERIVATION_TAG = 0x64657269  # "deri"


# Random123's known answer (counter 0, key 0).
assert philox4x32_10([0, 0, 0, 0], [0, 0]) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]


def root_key(seed):
    """The engine's root: (seed, epoch 0, sample 0, branch 0xFFFE, stage 0)."""
    return (seed, 0, 0, ENGINE_BRANCH, 0)


def derived(key, purpose):
    """Same seed and branch; (epoch, sample, stage) = words 0, 1, low 16 bits of 2 of the Philox block with
    counter (purpose low, purpose high, stage, tag) under key (epoch, sample)."""
    seed, epoch, sample, branch, stage = key
    out = philox4x32_10([purpose & M32, (purpose >> 32) & M32, stage, DERIVATION_TAG], [epoch, sample])
    return (seed, out[0], out[1], branch, out[2] & 0xFFFF)


def block(key, n):
    seed, epoch, sample, branch, stage = key
    return philox4x32_10([n, (branch << 16) | stage, sample, epoch], [seed & M32, seed >> 32])


def bits(key, i):
    """64 bits at position i: stream words 2i (high) and 2i + 1 (low)."""
    b = block(key, i // 2)
    hi, lo = (b[0], b[1]) if i % 2 == 0 else (b[2], b[3])
    return (hi << 32) | lo


def dropout_keep(key, i, p):
    """Element i reads 16-bit lane i % 4 of bits(key, i // 4); kept when >= round(p * 65536)."""
    return ((bits(key, i // 4) >> (16 * (i % 4))) & 0xFFFF) >= round(p * 65536)


# --- reference semantics ---------------------------------------------------------------------

def conv_k1(x, w, b, k, stride, pad):
    """PyTorch Conv2d(kernel (k,1), stride (s,1), padding (p,0)) on x (B, Ci, T, V), loops."""
    bsz, ci, t, v = x.shape
    co = w.shape[0]
    tout = (t + 2 * pad - k) // stride + 1
    xp = np.zeros((bsz, ci, t + 2 * pad, v))
    xp[:, :, pad:pad + t, :] = x
    y = np.zeros((bsz, co, tout, v))
    for to in range(tout):
        window = xp[:, :, to * stride:to * stride + k, :]          # (B, Ci, k, V)
        y[:, :, to, :] = np.einsum("bikv,oik->bov", window, w[:, :, :, 0])
    return y + b[None, :, None, None]


def batch_norm(x, axis, gamma, beta, rmean, rvar, training, momentum=0.1, eps=1e-5):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        n = x.size // x.shape[axis]
        new_rmean = (1 - momentum) * rmean + momentum * mean
        new_rvar = (1 - momentum) * rvar + momentum * var * n / (n - 1)
    else:
        mean, var = rmean, rvar
        new_rmean, new_rvar = rmean, rvar
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) + beta.reshape(shape)
    return y, new_rmean, new_rvar


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def main():
    rng = np.random.default_rng(20240611)
    r = lambda *shape: f32(rng.standard_normal(shape))

    # Linear and matrix products.
    x, w, b = r(4, 5), r(3, 5), r(3)
    write("linear", "y = x W^T + b (nn.Linear)", {},
          {"x": x, "weight": w, "bias": b, "y": x.astype(np.float64) @ w.T.astype(np.float64) + b})
    a, bm = r(3, 4), r(5, 4)
    write("matmul_transpose_b", "y = a b^T", {}, {"a": a, "b": bm, "y": a.astype(np.float64) @ bm.T})
    a2, b2 = r(4, 3), r(4, 5)
    write("matmul_transpose_a", "y = a^T b", {}, {"a": a2, "b": b2, "y": a2.T.astype(np.float64) @ b2})

    # Temporal convolutions; x is stored time-major [T, Ci, B, V].
    for name, k, stride, pad, t in [("conv_k9_s1", 9, 1, 4, 11), ("conv_k9_s2", 9, 2, 4, 11),
                                    ("conv_k1_s1", 1, 1, 0, 5), ("conv_k1_s2", 1, 2, 0, 7),
                                    ("conv_k3_s2_p1_short", 3, 2, 1, 2)]:
        xb = r(2, 3, t, 4)
        wc, bc = r(4, 3, k, 1), r(4)
        y = conv_k1(xb.astype(np.float64), wc.astype(np.float64), bc.astype(np.float64), k, stride, pad)
        write(name, "Conv2d kernel (k,1) stride (s,1) padding (p,0); x, y time-major [T, C, B, V]",
              {"kernel": k, "stride": stride, "padding": pad},
              {"x": to_tcbv(xb), "weight": wc, "bias": bc, "y": to_tcbv(y)})

    # Graph aggregation: einsum('nkctv,kvw->nctw') with K=3, C=2.
    xg = r(2, 3 * 2, 3, 5)                        # (N, K*C, T, V), channel k*C + c
    ag = r(3, 5, 5)
    yg = np.einsum("nkctv,kvw->nctw", xg.astype(np.float64).reshape(2, 3, 2, 3, 5), ag)
    write("graph_aggregation", "einsum nkctv,kvw->nctw; x [T, K*C, B, V], y [T, C, B, W]", {},
          {"x": to_tcbv(xg), "adjacency": ag, "y": to_tcbv(yg)})

    # Batch normalisation (2-d over a time-major map, channel axis 1; 1-d over (N, C, L)).
    xbn = r(2, 4, 3, 5) * 2 + 1                   # (B, C, T, V)
    gamma, beta = r(4), r(4)
    rmean, rvar = f32(rng.uniform(-1, 1, 4)), f32(rng.uniform(0.5, 2, 4))
    for training in (True, False):
        y, nm, nv = batch_norm(xbn.astype(np.float64), 1, gamma, beta, rmean.astype(np.float64),
                               rvar.astype(np.float64), training)
        write("batchnorm2d_" + ("train" if training else "eval"),
              "BatchNorm2d on [T, C, B, V] (channel axis 1), momentum 0.1, eps 1e-5, unbiased running var",
              {"channel_axis": 1, "training": int(training)},
              {"x": to_tcbv(xbn), "weight": gamma, "bias": beta, "running_mean": rmean, "running_var": rvar,
               "y": to_tcbv(y), "new_running_mean": nm, "new_running_var": nv})
    x1 = r(4, 6, 7)
    g1, b1 = r(6), r(6)
    y1, nm1, nv1 = batch_norm(x1.astype(np.float64), 1, g1, b1, np.zeros(6), np.ones(6), True)
    write("batchnorm1d_train", "BatchNorm1d on (N, C, L), fresh running stats", {"channel_axis": 1, "training": 1},
          {"x": x1, "weight": g1, "bias": b1, "running_mean": np.zeros(6), "running_var": np.ones(6),
           "y": y1, "new_running_mean": nm1, "new_running_var": nv1})

    # Element-wise.
    xr = r(3, 7)
    write("relu", "max(x, 0)", {}, {"x": xr, "y": np.maximum(xr, 0)})
    xd = r(5, 40)
    seed, purpose, p = 1234, 7, 0.5
    key = derived(root_key(seed), purpose)
    keep = np.array([dropout_keep(key, i, p) for i in range(xd.size)]).reshape(xd.shape)
    write("dropout", "inverted dropout, 16-bit lane i%4 of bits(key, i//4) >= round(p*65536); "
          "key = derived(root(seed), purpose)",
          {"seed": seed, "purpose": purpose, "p": p, "first_bits_hi": bits(key, 0) >> 32},
          {"x": xd, "y": np.where(keep, xd / (1 - p), 0.0)})

    # Pooling: mean over (T, V) of [B, C, T, V], then mean over bodies in groups of M = 2.
    xp = r(4, 3, 5, 6)
    pooled = xp.astype(np.float64).mean(axis=(2, 3))
    write("global_average_pool", "F.avg_pool2d over (T, V) then view; x [T, C, B, V] -> [B, C]", {},
          {"x": to_tcbv(xp), "y": pooled})
    write("group_mean", "x.view(N, M, -1).mean(dim=1) with M = 2", {"group": 2},
          {"x": pooled, "y": pooled.reshape(2, 2, 3).mean(axis=1)})

    # Softmax family.
    z = r(3, 6) * 3
    zs = z.astype(np.float64)
    lsm = log_softmax(zs)
    labels = np.array([2, 0, 5])
    targets = np.exp(log_softmax(r(3, 6).astype(np.float64)))
    write("softmax", "softmax / log_softmax over rows; cross-entropy with labels and soft targets (mean over rows)",
          {"ce_labels": float(-lsm[np.arange(3), labels].mean()),
           "ce_soft": float(-(targets * lsm).sum(axis=1).mean()),
           "label0": 2, "label1": 0, "label2": 5},
          {"x": z, "softmax": np.exp(lsm), "log_softmax": lsm, "targets": targets,
           "ce_labels_grad": (np.exp(lsm) - np.eye(6)[labels]) / 3,
           "ce_soft_grad": (np.exp(lsm) - targets) / 3})

    # L2 normalisation (one all-zero row hits the epsilon clamp).
    xn = r(3, 5)
    xn[1] = 0
    norms = np.maximum(np.linalg.norm(xn.astype(np.float64), axis=1, keepdims=True), 1e-12)
    write("l2_normalize", "F.normalize(x, dim=1), eps 1e-12", {}, {"x": xn, "y": xn / norms})

    # Permute (the data_bn reshuffle of the reference: N,C,T,V,M -> N,M,V,C,T).
    xq = r(2, 3, 4, 5, 2)
    write("permute", "x.permute(0, 4, 3, 1, 2)", {}, {"x": xq, "y": np.transpose(xq, (0, 4, 3, 1, 2))})

    # SGD: three steps with fixed gradients, PyTorch semantics (momentum 0.9, wd 1e-4, lr 0.1).
    p0, grads = r(6), [r(6) for _ in range(3)]
    p, buf = p0.astype(np.float64), None
    for g in grads:
        d = g + 1e-4 * p
        buf = d if buf is None else 0.9 * buf + d
        p = p - 0.1 * buf
    write("sgd", "torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=1e-4), 3 steps", {"lr": 0.1, "momentum": 0.9,
          "weight_decay": 1e-4}, {"p0": p0, "g0": grads[0], "g1": grads[1], "g2": grads[2], "p3": p, "buf3": buf})


if __name__ == "__main__":
    main()
